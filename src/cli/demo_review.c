/*
** demo_review.c — the demo nation's review of 1399-1 (docs/review.md):
** every submitted declaration goes through the regional working group
** with realistic decisions (most claims accepted, about 8 % adjusted and
** 3 % rejected, each with a Persian reason; about 2 % of declarations sent
** back to the office, corrected and resubmitted), is confirmed by the
** region's manager (never the reviewer) and finalised by HQ region by
** region — all through the review domain functions, at explicit instants.
**
** Phases: the decisions and send-backs in one transaction; the offices'
** corrections and resubmissions (declaration.c's own transactions); the
** second round, the confirmations and the finalisation in one more.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/demo.h"
#include "domain/declaration.h"
#include "domain/document.h"
#include "domain/period.h"
#include "domain/review.h"
#include "domain/scheme.h"
#include "store/db.h"

/* The instants of the review (UTC; Tehran 1399/07/22 onwards). */
#define T_DECIDE    "2020-10-13T06:30:00Z"
#define T_DEADLINE  "1399/07/29"
#define T_RESUBMIT  "2020-10-17T07:15:00Z"
#define T_SECOND    "2020-10-19T06:00:00Z"
#define T_CONFIRM   "2020-10-25T06:00:00Z"
#define T_FINALISE  "2020-11-01T06:00:00Z"

static const char *const azAdjust[] = {
  "مقدار اظهارشده با مدرک پیوست همخوان نیست؛ مقدار مدرک ثبت شد.",
  "مساحت در اجاره‌نامه کمتر از مقدار اظهارشده است.",
  "در فهرست بیمهٔ تأمین اجتماعی همهٔ کارکنان اظهارشده دیده نمی‌شوند.",
  "تاریخ پروانه در سامانهٔ صدور پروانه با اظهار دفتر تفاوت دارد.",
};
static const char *const azReject[] = {
  "مدرک پیوست خوانا نیست و ادعا را ثابت نمی‌کند.",
  "مدرک پیوست به دفتر دیگری تعلق دارد.",
  "بازدید منطقه ادعا را تأیید نکرد.",
};
static const char *const azReturn[] = {
  "اجاره‌نامه ناخواناست؛ نسخهٔ روشن‌تری بارگذاری کنید.",
  "فهرست بیمهٔ کارکنان مربوط به ماه جاری نیست؛ فهرست تازه را پیوست کنید.",
  "عکس‌های امکانات دسترسی‌پذیری کامل نیست؛ عکس سطح شیب‌دار و سرویس بهداشتی را پیوست کنید.",
};

/* One region's people. */
typedef struct RegionUsers {
  char zRegion[16];
  char zRev[64], zMgr[64];
  Actor rev, mgr;
} RegionUsers;

/* The actor of user zName, or the demo's own actor when there is none. */
static void actorOf(Demo *p, const char *zName, char *zBuf, size_t nBuf, Actor *pA){
  snprintf(zBuf, nBuf, "%s", zName);
  pA->iUser = db_int(p->db, 0, "SELECT id FROM users WHERE username=?1", zName);
  pA->zUser = pA->iUser ? zBuf : p->actor.zUser;
  pA->zAddr = "";
}

static RegionUsers *regionUsers(RegionUsers *a, int n, const char *zRegion){
  int i;
  for(i=0; i<n; i++) if( strcmp(a[i].zRegion, zRegion)==0 ) return &a[i];
  return 0;
}

/* An adjusted value for a claim, or NULL when there is no sensible
** adjustment (the claim is then accepted). Caller owns it. */
static json_t *adjusted(Demo *p, const Indicator *pI, json_t *pDeclared){
  double v;
  int k, best = -1;
  if( pDeclared==0 || json_is_null(pDeclared) ) return 0;
  switch( pI->kind ){
    case KIND_NUMBER:
      if( !json_is_number(pDeclared) ) return 0;
      v = json_number_value(pDeclared) * (0.70 + 0.25*demo_unit(p));
      v = floor(v);
      if( pI->bHasMin && v<pI->min ) v = pI->min;
      if( v>=json_number_value(pDeclared) ) return 0;
      return json_integer((json_int_t)v);
    case KIND_COUNT:
      if( !json_is_number(pDeclared) || json_number_value(pDeclared)<1 ) return 0;
      return json_integer((json_int_t)json_number_value(pDeclared) - 1 - demo_below(p, 1));
    case KIND_CHOICE: {
      int iCur = json_is_string(pDeclared) ? scheme_choice_index(pI, json_string_value(pDeclared)) : -1;
      if( iCur<0 ) return 0;
      for(k=0; k<pI->nChoice; k++){
        if( pI->aChoice[k].points<pI->aChoice[iCur].points
         && (best<0 || pI->aChoice[k].points>pI->aChoice[best].points) ) best = k;
      }
      return best<0 ? 0 : json_string(pI->aChoice[best].zValue);
    }
    default:
      return json_is_true(pDeclared) ? json_false() : 0;
  }
}

/* The claims of declaration iDecl: indicator keys and declared values. */
typedef struct DemoClaim { char zKey[48]; json_t *pDeclared; } DemoClaim;

static int loadClaims(Demo *p, long long iDecl, DemoClaim *a, int nMax){
  sqlite3_stmt *q = db_stmt(p->db, "SELECT indicator, declared FROM claim WHERE declaration_id=?1"
                                   " ORDER BY indicator");
  int n = 0;
  sqlite3_bind_int64(q, 1, iDecl);
  while( sqlite3_step(q)==SQLITE_ROW && n<nMax ){
    snprintf(a[n].zKey, sizeof a[n].zKey, "%s", db_col_text(q, 0));
    a[n].pDeclared = sqlite3_column_type(q, 1)==SQLITE_NULL ? 0
                   : json_loads(db_col_text(q, 1), JSON_DECODE_ANY, 0);
    n++;
  }
  db_release(q);
  return n;
}

/* One reviewer's pass over a declaration: a few claims adjusted or
** rejected, the rest accepted (by the bulk action), any claim still
** lacking its document rejected. Returns 0 or 1. */
static int reviewOne(Demo *p, const Period *pP, const Scheme *pS, const Actor *pRev,
                     const char *zOffice, long long iDecl, const char *zNow,
                     int *pnAdj, int *pnRej){
  DemoClaim a[32];
  int n = loadClaims(p, iDecl, a, 32), i, nDone, rc = 0;
  DeclErr e;
  for(i=0; i<n && rc==0; i++){
    const Indicator *pI = scheme_indicator(pS, a[i].zKey);
    double u = demo_unit(p);
    if( pI==0 ) continue;
    if( u<0.03 ){
      rc = review_decide(p->db, pRev, pP, pS, zOffice, a[i].zKey, CD_REJECT, 0,
                         azReject[demo_below(p, 3)], zNow, &e);
      if( rc==0 ) (*pnRej)++;
    }else if( u<0.135 ){   /* about 8 % of claims end adjusted: not every value can be */
      json_t *pV = adjusted(p, pI, a[i].pDeclared);
      if( pV ){
        rc = review_decide(p->db, pRev, pP, pS, zOffice, a[i].zKey, CD_ADJUST, pV,
                           azAdjust[demo_below(p, 4)], zNow, &e);
        if( rc==0 ) (*pnAdj)++;
        json_decref(pV);
      }
    }
  }
  for(i=0; i<n; i++) json_decref(a[i].pDeclared);
  if( rc==0 ) rc = review_accept_all(p->db, pRev, pP, pS, zOffice, zNow, &nDone, &e);
  /* what the bulk action left: claims without their documents */
  if( rc==0 ){
    sqlite3_stmt *q = db_stmt(p->db, "SELECT indicator FROM claim WHERE declaration_id=?1"
                                     " AND decision IS NULL ORDER BY indicator");
    char azLeft[16][48];
    int nLeft = 0;
    sqlite3_bind_int64(q, 1, iDecl);
    while( sqlite3_step(q)==SQLITE_ROW && nLeft<16 ){
      snprintf(azLeft[nLeft++], 48, "%s", db_col_text(q, 0));
    }
    db_release(q);
    for(i=0; i<nLeft && rc==0; i++){
      rc = review_decide(p->db, pRev, pP, pS, zOffice, azLeft[i], CD_REJECT, 0,
                         "مدرک لازم برای این ادعا پیوست نشده است.", zNow, &e);
      if( rc==0 ) (*pnRej)++;
    }
  }
  if( rc ) fprintf(stderr, "pishkhan demo: review %s: %s\n", zOffice, e.zEn);
  return rc ? 1 : 0;
}

/* Begin / commit a phase's transaction (BEGIN IMMEDIATE when none is open).
** Each domain call inside it runs in a savepoint, whose journal of the
** pages it changes stays in memory (temp_store) rather than going to a
** temporary file page by page, and a large page cache keeps the phase
** from spilling to the WAL before its commit. */
static int phaseBegin(Demo *p, int *pbOwn){
  db_exec(p->db, "PRAGMA temp_store=MEMORY");
  db_exec(p->db, "PRAGMA cache_size=-262144");
  *pbOwn = sqlite3_get_autocommit(p->db);
  return *pbOwn ? db_begin(p->db) : 0;
}
static int phaseEnd(Demo *p, int bOwn, int rc){
  if( !bOwn ) return rc;
  if( rc==0 && db_commit(p->db)==SQLITE_OK ) return 0;
  db_rollback(p->db);
  return 1;
}

int demo_review(Demo *p){
  Period per;
  Scheme s;
  char *zErr = 0;
  RegionUsers *aReg = 0;
  int nReg = 0, nAlloc = 0, i, rc = 0, bOwn;
  int nDecl = 0, nAdj = 0, nRej = 0, nRet = 0, nConf = 0, nFinal = 0;
  char zHq[64];
  Actor hq;
  sqlite3_stmt *q;
  struct { long long id; char zOffice[12]; char zRegion[16]; } *aDecl = 0;
  long long *aRet = 0;
  int nDeclAlloc = 0;

  if( period_load(p->db, "1399-1", &per) ) return 0;     /* no period: nothing to review */
  if( period_scheme(p->db, &per, &s, &zErr) ){
    fprintf(stderr, "pishkhan demo: 1399-1 scheme: %s\n", zErr);
    free(zErr);
    return 1;
  }
  q = db_prepare(p->db, "SELECT code FROM region ORDER BY code");
  while( sqlite3_step(q)==SQLITE_ROW ){
    RegionUsers *pR;
    char zName[64];
    if( nReg>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 16;
      aReg = xrealloc(aReg, sizeof(RegionUsers)*(size_t)nAlloc);
    }
    pR = &aReg[nReg++];
    snprintf(pR->zRegion, sizeof pR->zRegion, "%s", db_col_text(q, 0));
    snprintf(zName, sizeof zName, "reviewer-%s", pR->zRegion);
    actorOf(p, zName, pR->zRev, sizeof pR->zRev, &pR->rev);
    snprintf(zName, sizeof zName, "manager-%s", pR->zRegion);
    actorOf(p, zName, pR->zMgr, sizeof pR->zMgr, &pR->mgr);
  }
  db_finalize(q);
  actorOf(p, "hq1", zHq, sizeof zHq, &hq);
  if( hq.iUser==0 ) actorOf(p, "hq", zHq, sizeof zHq, &hq);

  q = db_prepare(p->db, "SELECT d.id, d.office_code, pr.region_code FROM declaration d"
                        " JOIN office o ON o.code=d.office_code JOIN province pr ON pr.code=o.province_code"
                        " WHERE d.period_id=?1 AND d.state='submitted' ORDER BY d.office_code");
  sqlite3_bind_int64(q, 1, per.id);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( nDecl>=nDeclAlloc ){
      nDeclAlloc = nDeclAlloc ? 2*nDeclAlloc : 4096;
      aDecl = xrealloc(aDecl, sizeof(*aDecl)*(size_t)nDeclAlloc);
    }
    aDecl[nDecl].id = sqlite3_column_int64(q, 0);
    snprintf(aDecl[nDecl].zOffice, sizeof aDecl[nDecl].zOffice, "%s", db_col_text(q, 1));
    snprintf(aDecl[nDecl].zRegion, sizeof aDecl[nDecl].zRegion, "%s", db_col_text(q, 2));
    nDecl++;
  }
  db_finalize(q);
  if( nDecl==0 ) goto done;
  aRet = xcalloc((size_t)nDecl, sizeof(long long));

  /* Phase 1: the first round — decisions, and a few sent back. */
  if( phaseBegin(p, &bOwn) ){ rc = 1; goto done; }
  for(i=0; i<nDecl && rc==0; i++){
    RegionUsers *pR = regionUsers(aReg, nReg, aDecl[i].zRegion);
    DeclErr e;
    if( pR==0 ) continue;
    if( demo_unit(p)<0.02 ){
      /* a look at the first claims, then back to the office */
      if( demo_below(p, 2) ){
        DemoClaim a[1];
        if( loadClaims(p, aDecl[i].id, a, 1)==1 ){
          rc = review_decide(p->db, &pR->rev, &per, &s, aDecl[i].zOffice, a[0].zKey, CD_ACCEPT,
                             0, 0, T_DECIDE, &e);
          json_decref(a[0].pDeclared);
        }
      }
      if( rc==0 ){
        rc = review_return(p->db, &pR->rev, &per, aDecl[i].zOffice, azReturn[demo_below(p, 3)],
                           T_DEADLINE, T_DECIDE, &e);
      }
      if( rc ){
        fprintf(stderr, "pishkhan demo: return %s: %s\n", aDecl[i].zOffice, e.zEn);
        break;
      }
      aRet[nRet++] = i;
      continue;
    }
    rc = reviewOne(p, &per, &s, &pR->rev, aDecl[i].zOffice, aDecl[i].id, T_DECIDE, &nAdj, &nRej);
  }
  rc = phaseEnd(p, bOwn, rc);

  /* Phase 2: the offices correct (a clearer document) and resubmit. */
  for(i=0; i<nRet && rc==0; i++){
    const char *zOffice = aDecl[aRet[i]].zOffice;
    static const char zPdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
      "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    char zSha[65], zBody[256];
    DeclErr e;
    int n = snprintf(zBody, sizeof zBody, "%.*s%% corrected copy for %s\n",
                     (int)(sizeof zPdf - 1), zPdf, zOffice);
    if( p->zDir
     && document_store_bytes(p->db, p->zDir, &p->actor, &per, zOffice, "floor_area",
                             "اجاره‌نامه-اصلاح‌شده.pdf", zBody, (size_t)n, T_RESUBMIT, zSha, &e) ){
      fprintf(stderr, "pishkhan demo: correction %s: %s\n", zOffice, e.zEn);
      rc = 1;
      break;
    }
    if( declaration_submit(p->db, &p->actor, &per, zOffice, T_RESUBMIT, &e) ){
      fprintf(stderr, "pishkhan demo: resubmit %s: %s\n", zOffice, e.zEn);
      rc = 1;
    }
  }

  /* Phase 3: the second round, confirmation by the manager, HQ's
  ** finalisation of every region. */
  if( rc==0 && phaseBegin(p, &bOwn)==0 ){
    for(i=0; i<nRet && rc==0; i++){
      RegionUsers *pR = regionUsers(aReg, nReg, aDecl[aRet[i]].zRegion);
      rc = reviewOne(p, &per, &s, &pR->rev, aDecl[aRet[i]].zOffice, aDecl[aRet[i]].id, T_SECOND,
                     &nAdj, &nRej);
    }
    for(i=0; i<nDecl && rc==0; i++){
      RegionUsers *pR = regionUsers(aReg, nReg, aDecl[i].zRegion);
      DeclErr e;
      if( pR==0 ) continue;
      if( review_confirm(p->db, &pR->mgr, &per, aDecl[i].zOffice, T_CONFIRM, &e) ){
        fprintf(stderr, "pishkhan demo: confirm %s: %s\n", aDecl[i].zOffice, e.zEn);
        rc = 1;
      }else{
        nConf++;
      }
    }
    for(i=0; i<nReg && rc==0; i++){
      DeclErr e;
      int n = 0, nPart, nC, nF;
      review_region_status(p->db, &per, aReg[i].zRegion, &nPart, &nC, &nF);
      if( nPart==0 ) continue;
      if( review_finalise_region(p->db, &hq, &per, aReg[i].zRegion, T_FINALISE, &n, &e) ){
        fprintf(stderr, "pishkhan demo: finalise %s: %s\n", aReg[i].zRegion, e.zEn);
        rc = 1;
      }
      nFinal += n;
    }
    rc = phaseEnd(p, bOwn, rc);
  }else if( rc==0 ){
    rc = 1;
  }
  if( rc==0 ){
    printf("demo: review of 1399-1: %d declarations; %d claims adjusted, %d rejected; "
           "%d sent back and resubmitted; %d confirmed, %d finalised in %d regions\n",
           nDecl, nAdj, nRej, nRet, nConf, nFinal, nReg);
  }
done:
  db_exec(p->db, "PRAGMA temp_store=DEFAULT");
  db_exec(p->db, "PRAGMA cache_size=-2000");
  free(aRet);
  free(aDecl);
  free(aReg);
  scheme_clear(&s);
  return rc;
}
