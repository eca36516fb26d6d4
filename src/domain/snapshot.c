/*
** snapshot.c — load a period's inputs, and the canonical form (snapshot.h).
**
** snapshot_load() is the only function here that reads the database; it
** reads each table once, in code order, so loading the nation is a handful
** of sequential scans. The canonical JSON is written by hand (fixed member
** order, shortest round-tripping numbers) and read back with jansson.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jalali.h"
#include "base/mem.h"
#include "domain/rank.h"
#include "domain/snapshot.h"
#include "domain/survey.h"
#include "store/db.h"

static const char *const azDecision[] = { "", "accept", "adjust", "reject" };
static const char *const azDecl[] = { "none", "open", "final" };

/* Copy z into a[n], truncating. */
static void cpy(char *a, size_t n, const char *z){
  size_t k = z ? strlen(z) : 0;
  if( k>=n ) k = n-1;
  if( k ) memcpy(a, z, k);
  a[k] = 0;
}

int snapshot_period_end(const char *zPeriod, char zOut[11]){
  Date j, g;
  int y;
  if( zPeriod==0 || strlen(zPeriod)!=6 || zPeriod[4]!='-' ) return -1;
  if( sscanf(zPeriod, "%4d", &y)!=1 || y<1 ) return -1;
  j.y = y;
  if( zPeriod[5]=='1' ){ j.m = 6; j.d = 31; }
  else if( zPeriod[5]=='2' ){ j.m = 12; j.d = jalali_month_days(y, 12); }
  else return -1;
  if( jalali_to_gregorian(j, &g) ) return -1;
  snprintf(zOut, 11, "%04d-%02d-%02d", g.y, g.m, g.d);
  return 0;
}

void snapshot_clear(Snapshot *p){
  int i;
  for(i=0; i<p->nInd; i++) free(p->azInd[i]);
  free(p->azInd);
  for(i=0; i<p->nOff; i++) free(p->aOff[i].zStatusReason);
  free(p->aOff);
  free(p->aClaim);
  free(p->aRuling);
  memset(p, 0, sizeof *p);
}

int snapshot_find(const Snapshot *p, const char *zCode){
  int lo = 0, hi = p->nOff - 1;
  while( lo<=hi ){
    int mid = (lo + hi)/2, c = strcmp(p->aOff[mid].zCode, zCode);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

SnapClaim *snapshot_claim(const Snapshot *p, int iOff, int iInd){
  if( iOff<0 || iOff>=p->nOff || iInd<0 || iInd>=p->nInd ) return 0;
  if( p->aOff[iOff].iClaim<0 ) return 0;
  return &p->aClaim[p->aOff[iOff].iClaim + iInd];
}

void snapshot_copy(Snapshot *pDst, const Snapshot *pSrc){
  int i;
  *pDst = *pSrc;
  pDst->azInd = xcalloc(pSrc->nInd ? pSrc->nInd : 1, sizeof(char *));
  for(i=0; i<pSrc->nInd; i++) pDst->azInd[i] = xstrdup(pSrc->azInd[i]);
  pDst->aOff = xmalloc((pSrc->nOff ? pSrc->nOff : 1)*sizeof(SnapOffice));
  if( pSrc->nOff ) memcpy(pDst->aOff, pSrc->aOff, pSrc->nOff*sizeof(SnapOffice));
  for(i=0; i<pSrc->nOff; i++){
    if( pSrc->aOff[i].zStatusReason ){
      pDst->aOff[i].zStatusReason = xstrdup(pSrc->aOff[i].zStatusReason);
    }
  }
  pDst->aClaim = xmalloc((pSrc->nClaim ? pSrc->nClaim : 1)*sizeof(SnapClaim));
  if( pSrc->nClaim ) memcpy(pDst->aClaim, pSrc->aClaim, pSrc->nClaim*sizeof(SnapClaim));
  pDst->aRuling = xmalloc((pSrc->nRuling ? pSrc->nRuling : 1)*sizeof(SnapRuling));
  if( pSrc->nRuling ) memcpy(pDst->aRuling, pSrc->aRuling, pSrc->nRuling*sizeof(SnapRuling));
}

/* ---- Loading --------------------------------------------------------- */

/* Does table zName exist? */
static int tableExists(sqlite3 *db, const char *zName){
  return db_int(db, 0, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?1",
                zName)>0;
}

/* The number (or 1/0, or option index) a claim's JSON text stands for under
** pI. Returns 1 with *pV set, or 0 for no value (NULL, null, unparsable). */
static int claimValue(const Indicator *pI, const char *z, double *pV){
  json_t *pJ;
  json_error_t e;
  int rc = 0;
  if( z==0 || z[0]==0 ) return 0;
  if( pI->kind!=KIND_CHOICE && (z[0]=='-' || (z[0]>='0' && z[0]<='9')) ){
    char *zEnd;
    double v = strtod(z, &zEnd);
    if( *zEnd==0 ){ *pV = v; return 1; }
  }
  /* Fast paths for the common literals; jansson for anything else. */
  if( pI->kind!=KIND_CHOICE && strcmp(z, "true")==0 ){ *pV = 1; return 1; }
  if( pI->kind!=KIND_CHOICE && strcmp(z, "false")==0 ){ *pV = 0; return 1; }
  if( strcmp(z, "null")==0 ) return 0;
  if( pI->kind==KIND_CHOICE && z[0]=='"' && strchr(z, '\\')==0 ){
    size_t n = strlen(z);
    if( n>=2 && z[n-1]=='"' && n<200 ){
      char zOpt[200];
      memcpy(zOpt, z+1, n-2);
      zOpt[n-2] = 0;
      *pV = scheme_choice_index(pI, zOpt);
      return 1;
    }
  }
  pJ = json_loads(z, JSON_DECODE_ANY, &e);
  if( pJ==0 ) return 0;
  if( pI->kind==KIND_CHOICE ){
    if( json_is_string(pJ) ){ *pV = scheme_choice_index(pI, json_string_value(pJ)); rc = 1; }
  }else if( json_is_boolean(pJ) ){
    *pV = json_is_true(pJ) ? 1 : 0; rc = 1;
  }else if( json_is_number(pJ) ){
    *pV = json_number_value(pJ); rc = 1;
  }else if( json_is_string(pJ) ){
    char *zEnd;
    const char *zS = json_string_value(pJ);
    double v = strtod(zS, &zEnd);
    if( zS[0] && *zEnd==0 ){ *pV = v; rc = 1; }
  }
  json_decref(pJ);
  return rc;
}

static int decisionFromCode(const char *z){
  int i;
  if( z==0 || (z[0]!='a' && z[0]!='r') ) return SDEC_NONE;
  for(i=1; i<4; i++) if( strcmp(z, azDecision[i])==0 ) return i;
  return SDEC_NONE;
}

/*
** A hash of the offices' codes (FNV-1a, open addressing, at most half
** full): the index of an office by code in one probe or two, where a
** binary search takes a dozen string comparisons. snapshot_load looks an
** office up for every declaration, survey, association and ruling row.
*/
typedef struct CodeMap {
  const SnapOffice *aOff;
  int *aSlot;            /* office index + 1; 0 empty */
  unsigned mask;
} CodeMap;

static unsigned codeHash(const char *z){
  unsigned h = 2166136261u;
  while( *z ){ h ^= (unsigned char)*z++; h *= 16777619u; }
  return h;
}

static void codeMapInit(CodeMap *m, const SnapOffice *aOff, int nOff){
  unsigned n = 16;
  int i;
  while( n < 2u*(unsigned)nOff ) n *= 2;
  m->aOff = aOff;
  m->mask = n - 1;
  m->aSlot = xcalloc(n, sizeof(int));
  for(i=0; i<nOff; i++){
    unsigned h = codeHash(aOff[i].zCode) & m->mask;
    while( m->aSlot[h] ) h = (h + 1) & m->mask;
    m->aSlot[h] = i + 1;
  }
}

/* The index of office zCode, or -1. */
static int codeMapFind(const CodeMap *m, const char *zCode){
  unsigned h = codeHash(zCode) & m->mask;
  while( m->aSlot[h] ){
    int i = m->aSlot[h] - 1;
    if( strcmp(m->aOff[i].zCode, zCode)==0 ) return i;
    h = (h + 1) & m->mask;
  }
  return -1;
}

/*
** The scheme's indicators by key, sorted: a claim's indicator is found by
** binary search, and first by a guess — the one after the previous claim's
** in key order, which is the order the claim table's primary key hands a
** declaration's claims out in.
*/
typedef struct IndMap {
  const char **azKey;    /* sorted */
  int *aiInd;            /* the indicator of each sorted key */
  int n;
  int iNext;             /* the guess: a position in azKey */
} IndMap;

static void indMapInit(IndMap *m, char **azInd, int nInd){
  int i, j;
  m->n = nInd;
  m->iNext = 0;
  m->azKey = xmalloc((nInd ? nInd : 1)*sizeof(char *));
  m->aiInd = xmalloc((nInd ? nInd : 1)*sizeof(int));
  for(i=0; i<nInd; i++){                   /* insertion sort: a few dozen keys */
    for(j=i; j>0 && strcmp(m->azKey[j-1], azInd[i])>0; j--){
      m->azKey[j] = m->azKey[j-1];
      m->aiInd[j] = m->aiInd[j-1];
    }
    m->azKey[j] = azInd[i];
    m->aiInd[j] = i;
  }
}

static void indMapClear(IndMap *m){
  free(m->azKey);
  free(m->aiInd);
}

/* The indicator index of key zKey, or -1. */
static int indMapFind(IndMap *m, const char *zKey){
  int lo = 0, hi = m->n - 1, g = m->iNext<m->n ? m->iNext : 0;
  if( m->n>0 && strcmp(m->azKey[g], zKey)==0 ){
    m->iNext = g + 1;
    return m->aiInd[g];
  }
  while( lo<=hi ){
    int mid = (lo + hi)/2, c = strcmp(m->azKey[mid], zKey);
    if( c==0 ){ m->iNext = mid + 1; return m->aiInd[mid]; }
    if( c<0 ) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/* Order of offices by code; of declaration ids. */
static int offCmp(const void *a, const void *b){
  return strcmp(((const SnapOffice *)a)->zCode, ((const SnapOffice *)b)->zCode);
}
typedef struct DeclMap { long long id; int iOff; } DeclMap;
static int declCmp(const void *a, const void *b){
  long long x = ((const DeclMap *)a)->id, y = ((const DeclMap *)b)->id;
  return x<y ? -1 : x>y;
}
/* The office of finalised declaration id, or -1. */
static int declOffice(const DeclMap *a, int n, long long id){
  int lo = 0, hi = n-1;
  while( lo<=hi ){
    int mid = (lo + hi)/2;
    if( a[mid].id==id ) return a[mid].iOff;
    if( a[mid].id<id ) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/* The province → region map, sorted by province code. */
typedef struct ProvRegion { char zCode[40]; char zRegion[40]; } ProvRegion;

/* The region of province zCode (binary search), or "". */
static const char *provRegion(const ProvRegion *a, int n, const char *zCode){
  int lo = 0, hi = n - 1;
  while( lo<=hi ){
    int mid = (lo + hi)/2, c = strcmp(a[mid].zCode, zCode);
    if( c==0 ) return a[mid].zRegion;
    if( c<0 ) lo = mid + 1; else hi = mid - 1;
  }
  return "";
}

/* The columns of an office row, for officeFill. */
#define OFFICE_COLS                                                           \
  "code, type, province_code, status, status_reason, licence_date,"           \
  " address, postal_code, phone, licence_no, holder_name, holder_national_id"
#define OFFICE_NCOL 12

/* Fill *pO (zeroed first) from a row of OFFICE_COLS and its region. */
static void officeFill(sqlite3_stmt *q, SnapOffice *pO, const char *zRegion){
  int k;
  memset(pO, 0, sizeof *pO);
  cpy(pO->zCode, sizeof pO->zCode, db_col_text(q, 0));
  cpy(pO->zType, sizeof pO->zType, db_col_text(q, 1));
  cpy(pO->zProvince, sizeof pO->zProvince, db_col_text(q, 2));
  cpy(pO->zRegion, sizeof pO->zRegion, zRegion);
  cpy(pO->zStatus, sizeof pO->zStatus, db_col_text(q, 3));
  if( db_col_text(q, 4)[0] ) pO->zStatusReason = xstrdup(db_col_text(q, 4));
  cpy(pO->zLicenceDate, sizeof pO->zLicenceDate, db_col_text(q, 5));
  for(k=5; k<OFFICE_NCOL; k++) pO->nRegFilled += sqlite3_column_bytes(q, k)>0;
  pO->nRegFields = SNAP_REG_FIELDS;
  pO->eDecl = SDECL_NONE;
  pO->iClaim = -1;
}

/* Fill claim *pC of indicator pI from columns iCol.. of q: declared,
** verified, decision. */
static void claimFill(sqlite3_stmt *q, int iCol, const Indicator *pI, SnapClaim *pC){
  pC->bClaim = 1;
  pC->eDecision = (unsigned char)decisionFromCode((const char *)sqlite3_column_text(q, iCol+2));
  pC->bDeclared = (unsigned char)claimValue(pI, (const char *)sqlite3_column_text(q, iCol), &pC->declared);
  pC->bVerified = (unsigned char)claimValue(pI, (const char *)sqlite3_column_text(q, iCol+1), &pC->verified);
}

/* The columns of a ruling row, for rulingFill, and the rulings that count
** for a period ending ?1. */
#define RULING_COLS                                                           \
  "id, office_code, kind, ifnull(ruling_no,''), state, ifnull(final_date,''),"\
  "  ifnull(points,0)"
#define RULING_COUNTS                                                         \
  "state='final' AND final_date IS NOT NULL AND substr(final_date,1,10)<=?1"

static void rulingFill(sqlite3_stmt *q, SnapRuling *pR){
  memset(pR, 0, sizeof *pR);
  pR->id = sqlite3_column_int64(q, 0);
  cpy(pR->zKind, sizeof pR->zKind, db_col_text(q, 2));
  cpy(pR->zNo, sizeof pR->zNo, db_col_text(q, 3));
  cpy(pR->zState, sizeof pR->zState, db_col_text(q, 4));
  cpy(pR->zFinalDate, sizeof pR->zFinalDate, db_col_text(q, 5));
  pR->points = sqlite3_column_double(q, 6);
}

static int loadInputs(sqlite3 *db, const char *zPeriod, const Scheme *pScheme,
                      Snapshot *p, char **pzErr);

/*
** Each table is read once, and the matching is done here rather than by
** SQLite row by row: the offices are read in table order and sorted (unless
** already in order), and provinces, office codes, declaration ids and
** indicator keys are found by binary search or hashing. The reads share one
** read transaction, so the snapshot is of one moment even while others
** write. Even so, about four fifths of the instructions of a load of the
** demo nation are SQLite's (callgrind; docs/ranking.md, "What-if").
*/
int snapshot_load(sqlite3 *db, const char *zPeriod, const Scheme *pScheme,
                  Snapshot *p, char **pzErr){
  int bTxn = sqlite3_get_autocommit(db), rc;
  if( bTxn && db_exec(db, "BEGIN")!=SQLITE_OK ) bTxn = 0;
  rc = loadInputs(db, zPeriod, pScheme, p, pzErr);
  if( bTxn ) db_exec(db, "COMMIT");
  return rc;
}

static int loadInputs(sqlite3 *db, const char *zPeriod, const Scheme *pScheme,
                      Snapshot *p, char **pzErr){
  sqlite3_stmt *q;
  long long iPeriod;
  int nAlloc = 0, i, nFinal = 0, nProv = 0, nDecl = 0, bSorted = 1;
  ProvRegion *aProv = 0;
  DeclMap *aDecl = 0;
  CodeMap map;
  memset(p, 0, sizeof *p);
  *pzErr = 0;
  iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", zPeriod);
  if( iPeriod==0 ){
    *pzErr = xsprintf("no period %s", zPeriod ? zPeriod : "");
    return -1;
  }
  cpy(p->zPeriod, sizeof p->zPeriod, zPeriod);
  if( snapshot_period_end(zPeriod, p->zPeriodEnd) ){
    *pzErr = xsprintf("period %s: not a period code", zPeriod);
    return -1;
  }
  p->nInd = pScheme->nInd;
  p->azInd = xcalloc(p->nInd ? p->nInd : 1, sizeof(char *));
  for(i=0; i<p->nInd; i++) p->azInd[i] = xstrdup(pScheme->aInd[i].zKey);

  /* Provinces and their regions. */
  q = db_prepare(db, "SELECT code, region_code FROM province ORDER BY code");
  while( sqlite3_step(q)==SQLITE_ROW ){
    aProv = xrealloc(aProv, (nProv + 1)*sizeof(ProvRegion));
    cpy(aProv[nProv].zCode, sizeof aProv[nProv].zCode, db_col_text(q, 0));
    cpy(aProv[nProv].zRegion, sizeof aProv[nProv].zRegion, db_col_text(q, 1));
    nProv++;
  }
  db_finalize(q);

  /* Offices, in code order. */
  q = db_prepare(db, "SELECT " OFFICE_COLS " FROM office");
  while( sqlite3_step(q)==SQLITE_ROW ){
    SnapOffice *pO;
    if( p->nOff>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 1024;
      p->aOff = xrealloc(p->aOff, nAlloc*sizeof(SnapOffice));
    }
    pO = &p->aOff[p->nOff++];
    officeFill(q, pO, provRegion(aProv, nProv, db_col_text(q, 2)));
    if( p->nOff>1 && bSorted && strcmp(pO[-1].zCode, pO->zCode)>0 ) bSorted = 0;
  }
  db_finalize(q);
  free(aProv);
  if( p->nOff>1 && !bSorted ) qsort(p->aOff, p->nOff, sizeof(SnapOffice), offCmp);
  codeMapInit(&map, p->aOff, p->nOff);

  /* Declarations of the period: which offices participate. */
  if( tableExists(db, "declaration") ){
    q = db_prepare(db, "SELECT id, office_code, state FROM declaration WHERE period_id=?1");
    sqlite3_bind_int64(q, 1, iPeriod);
    while( sqlite3_step(q)==SQLITE_ROW ){
      int iOff = codeMapFind(&map, db_col_text(q, 1));
      if( iOff<0 ) continue;
      if( strcmp(db_col_text(q, 2), "finalised")==0 ){
        p->aOff[iOff].eDecl = SDECL_FINAL;
        aDecl = xrealloc(aDecl, (nDecl + 1 + (nDecl>>1))*sizeof(DeclMap));
        aDecl[nDecl].id = sqlite3_column_int64(q, 0);
        aDecl[nDecl].iOff = iOff;
        nDecl++;
        nFinal++;
      }else{
        p->aOff[iOff].eDecl = SDECL_OPEN;
      }
    }
    db_finalize(q);
    if( nDecl>1 ) qsort(aDecl, nDecl, sizeof(DeclMap), declCmp);
  }

  /* Claims of the finalised declarations, in indicator order. */
  if( nFinal>0 && p->nInd>0 ){
    IndMap im;
    int k = 0;
    p->nClaim = nFinal*p->nInd;
    p->aClaim = xcalloc(p->nClaim, sizeof(SnapClaim));
    for(i=0; i<p->nOff; i++){
      if( p->aOff[i].eDecl==SDECL_FINAL ){ p->aOff[i].iClaim = k; k += p->nInd; }
    }
    q = db_prepare(db,
      "SELECT d.id, c.indicator, c.declared, c.verified, c.decision"
      " FROM declaration d JOIN claim c ON c.declaration_id=d.id"
      " WHERE d.period_id=?1 AND d.state='finalised'");
    sqlite3_bind_int64(q, 1, iPeriod);
    indMapInit(&im, p->azInd, p->nInd);
    while( sqlite3_step(q)==SQLITE_ROW ){
      int iOff = declOffice(aDecl, nDecl, sqlite3_column_int64(q, 0));
      SnapClaim *pC;
      int iInd;
      if( iOff<0 ) continue;
      iInd = indMapFind(&im, db_col_text(q, 1));
      if( iInd<0 ) continue;
      pC = &p->aClaim[p->aOff[iOff].iClaim + iInd];
      claimFill(q, 2, &pScheme->aInd[iInd], pC);
    }
    db_finalize(q);
    indMapClear(&im);

    /* Staff counts. */
    if( tableExists(db, "staff") ){
      q = db_prepare(db,
        "SELECT d.id, s.insured<>0, s.disability<>0"
        " FROM declaration d JOIN staff s ON s.declaration_id=d.id"
        " WHERE d.period_id=?1 AND d.state='finalised'");
      sqlite3_bind_int64(q, 1, iPeriod);
      while( sqlite3_step(q)==SQLITE_ROW ){
        int iOff = declOffice(aDecl, nDecl, sqlite3_column_int64(q, 0));
        if( iOff<0 ) continue;
        p->aOff[iOff].nStaff++;
        p->aOff[iOff].nInsured += sqlite3_column_int(q, 1);
        p->aOff[iOff].nDisabled += sqlite3_column_int(q, 2);
      }
      db_finalize(q);
    }
  }
  free(aDecl);

  /* Survey statistics and the national mean. */
  if( tableExists(db, "survey_stat") ){
    q = db_prepare(db, "SELECT office_code, n, sum FROM survey_stat WHERE period_id=?1");
    sqlite3_bind_int64(q, 1, iPeriod);
    while( sqlite3_step(q)==SQLITE_ROW ){
      int iOff = codeMapFind(&map, db_col_text(q, 0));
      if( iOff<0 ) continue;
      p->aOff[iOff].nSurvey = sqlite3_column_int64(q, 1);
      p->aOff[iOff].surveySum = sqlite3_column_double(q, 2);
    }
    db_finalize(q);
    p->bSurveyMean = survey_national_mean(db, iPeriod, &p->surveyMean)==0;
    if( !p->bSurveyMean ) p->surveyMean = 0;
  }

  /* Association scores. */
  if( tableExists(db, "association_score") ){
    q = db_prepare(db, "SELECT office_code, score FROM association_score"
                       " WHERE period_id=?1 AND score IS NOT NULL");
    sqlite3_bind_int64(q, 1, iPeriod);
    while( sqlite3_step(q)==SQLITE_ROW ){
      int iOff = codeMapFind(&map, db_col_text(q, 0));
      if( iOff<0 ) continue;
      p->aOff[iOff].bAssoc = 1;
      p->aOff[iOff].assoc = sqlite3_column_double(q, 1);
    }
    db_finalize(q);
  }

  /* Rulings final by the period's end, by office and id. */
  if( tableExists(db, "ruling") ){
    int nR = 0;
    q = db_prepare(db, "SELECT " RULING_COLS " FROM ruling WHERE " RULING_COUNTS
                       " ORDER BY office_code, id");
    sqlite3_bind_text(q, 1, p->zPeriodEnd, -1, SQLITE_STATIC);
    while( sqlite3_step(q)==SQLITE_ROW ){
      int iOff = codeMapFind(&map, db_col_text(q, 1));
      SnapRuling *pR;
      if( iOff<0 ) continue;
      if( p->nRuling>=nR ){
        nR = nR ? 2*nR : 64;
        p->aRuling = xrealloc(p->aRuling, nR*sizeof(SnapRuling));
      }
      pR = &p->aRuling[p->nRuling];
      rulingFill(q, pR);
      if( p->aOff[iOff].nRuling==0 ) p->aOff[iOff].iRuling = p->nRuling;
      p->aOff[iOff].nRuling++;
      p->nRuling++;
    }
    db_finalize(q);
  }
  free(map.aSlot);
  return 0;
}

/*
** Reload office i of p (a copy of an older snapshot of the same period and
** scheme) from the database: its registry row, declaration, claims, staff
** counts, association score and rulings — everything loadInputs reads for
** it except the survey statistics. Returns 0, 1 when the office is gone,
** or -1 with *pzErr.
*/
static int refreshOffice(sqlite3 *db, const Scheme *pScheme, long long iPeriod,
                         Snapshot *p, int i, char **pzErr){
  SnapOffice *pO = &p->aOff[i], o;
  sqlite3_stmt *q;
  long long iDecl = 0;
  int rc = 1, k;
  q = db_prepare(db, "SELECT " OFFICE_COLS ", ifnull((SELECT region_code FROM province"
                     " WHERE code=province_code),'') FROM office WHERE code=?1");
  sqlite3_bind_text(q, 1, pO->zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    officeFill(q, &o, db_col_text(q, OFFICE_NCOL));
    rc = 0;
  }
  db_finalize(q);
  if( rc ) return rc;
  o.nSurvey = pO->nSurvey;                 /* survey_stat moves input_change.g */
  o.surveySum = pO->surveySum;
  free(pO->zStatusReason);
  *pO = o;

  q = db_prepare(db, "SELECT id, state FROM declaration WHERE period_id=?1 AND office_code=?2");
  sqlite3_bind_int64(q, 1, iPeriod);
  sqlite3_bind_text(q, 2, pO->zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    if( strcmp(db_col_text(q, 1), "finalised")==0 ){
      pO->eDecl = SDECL_FINAL;
      iDecl = sqlite3_column_int64(q, 0);
    }else{
      pO->eDecl = SDECL_OPEN;
    }
  }
  db_finalize(q);

  if( iDecl && p->nInd>0 ){
    /* Fresh claim slots at the end (the old ones, if any, go unused). */
    pO->iClaim = p->nClaim;
    p->nClaim += p->nInd;
    p->aClaim = xrealloc(p->aClaim, p->nClaim*sizeof(SnapClaim));
    memset(&p->aClaim[pO->iClaim], 0, p->nInd*sizeof(SnapClaim));
    q = db_prepare(db, "SELECT indicator, declared, verified, decision FROM claim WHERE declaration_id=?1");
    sqlite3_bind_int64(q, 1, iDecl);
    while( sqlite3_step(q)==SQLITE_ROW ){
      const char *zInd = db_col_text(q, 0);
      for(k=0; k<p->nInd && strcmp(p->azInd[k], zInd)!=0; k++){}
      if( k<p->nInd ) claimFill(q, 1, &pScheme->aInd[k], &p->aClaim[pO->iClaim + k]);
    }
    db_finalize(q);
    q = db_prepare(db, "SELECT count(*), ifnull(sum(insured<>0),0), ifnull(sum(disability<>0),0)"
                       " FROM staff WHERE declaration_id=?1");
    sqlite3_bind_int64(q, 1, iDecl);
    if( sqlite3_step(q)==SQLITE_ROW ){
      pO->nStaff = sqlite3_column_int(q, 0);
      pO->nInsured = sqlite3_column_int(q, 1);
      pO->nDisabled = sqlite3_column_int(q, 2);
    }
    db_finalize(q);
  }

  q = db_prepare(db, "SELECT score FROM association_score"
                     " WHERE period_id=?1 AND office_code=?2 AND score IS NOT NULL");
  sqlite3_bind_int64(q, 1, iPeriod);
  sqlite3_bind_text(q, 2, pO->zCode, -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){
    pO->bAssoc = 1;
    pO->assoc = sqlite3_column_double(q, 0);
  }
  db_finalize(q);

  q = db_prepare(db, "SELECT " RULING_COLS " FROM ruling WHERE office_code=?2 AND " RULING_COUNTS
                     " ORDER BY id");
  sqlite3_bind_text(q, 1, p->zPeriodEnd, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, pO->zCode, -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    p->aRuling = xrealloc(p->aRuling, (p->nRuling + 1)*sizeof(SnapRuling));
    rulingFill(q, &p->aRuling[p->nRuling]);
    if( pO->nRuling==0 ) pO->iRuling = p->nRuling;
    pO->nRuling++;
    p->nRuling++;
  }
  db_finalize(q);
  (void)pzErr;
  return 0;
}

int snapshot_refresh(sqlite3 *db, const Scheme *pScheme, const Snapshot *pOld,
                     char **azCode, int nCode, Snapshot *p, char **pzErr){
  long long iPeriod;
  int i, rc = 0, bTxn = sqlite3_get_autocommit(db);
  *pzErr = 0;
  snapshot_copy(p, pOld);
  if( bTxn && db_exec(db, "BEGIN")!=SQLITE_OK ) bTxn = 0;
  iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", p->zPeriod);
  if( iPeriod==0 ){
    *pzErr = xsprintf("no period %s", p->zPeriod);
    rc = -1;
  }
  for(i=0; rc==0 && i<nCode; i++){
    int iOff = snapshot_find(p, azCode[i]);
    if( iOff>=0 ){
      rc = refreshOffice(db, pScheme, iPeriod, p, iOff, pzErr);
    }else if( db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", azCode[i])>0 ){
      rc = 1;                               /* a new office: load whole */
    }
  }
  if( bTxn ) db_exec(db, "COMMIT");
  if( rc ) snapshot_clear(p);
  return rc;
}

/* ---- Canonical form -------------------------------------------------- */

void snapshot_office_canonical(const Snapshot *p, int i, Buf *b){
  const SnapOffice *pO = &p->aOff[i];
  int k;
  buf_puts(b, "{\"code\":");
  rank_json_str(b, pO->zCode);
  buf_puts(b, ",\"type\":");
  rank_json_str(b, pO->zType);
  buf_puts(b, ",\"province\":");
  rank_json_str(b, pO->zProvince);
  buf_puts(b, ",\"region\":");
  rank_json_str(b, pO->zRegion);
  buf_puts(b, ",\"status\":");
  rank_json_str(b, pO->zStatus);
  buf_puts(b, ",\"status_reason\":");
  rank_json_str(b, pO->zStatusReason ? pO->zStatusReason : "");
  buf_puts(b, ",\"licence_date\":");
  rank_json_str(b, pO->zLicenceDate);
  buf_printf(b, ",\"registry\":[%d,%d],\"declaration\":\"%s\",\"staff\":[%d,%d,%d],"
                "\"survey\":[%lld,", pO->nRegFilled, pO->nRegFields,
             azDecl[pO->eDecl>=0 && pO->eDecl<=2 ? pO->eDecl : 0],
             pO->nStaff, pO->nInsured, pO->nDisabled, pO->nSurvey);
  rank_num(b, pO->surveySum);
  buf_puts(b, "],\"association\":");
  if( pO->bAssoc ) rank_num(b, pO->assoc); else buf_puts(b, "null");
  buf_puts(b, ",\"claims\":");
  if( pO->iClaim<0 ){
    buf_puts(b, "null");
  }else{
    buf_putc(b, '[');
    for(k=0; k<p->nInd; k++){
      const SnapClaim *pC = &p->aClaim[pO->iClaim + k];
      if( k ) buf_putc(b, ',');
      if( !pC->bClaim ){ buf_puts(b, "null"); continue; }
      buf_printf(b, "[\"%s\",", azDecision[pC->eDecision<4 ? pC->eDecision : 0]);
      if( pC->bDeclared ) rank_num(b, pC->declared); else buf_puts(b, "null");
      buf_putc(b, ',');
      if( pC->bVerified ) rank_num(b, pC->verified); else buf_puts(b, "null");
      buf_putc(b, ']');
    }
    buf_putc(b, ']');
  }
  buf_puts(b, ",\"rulings\":[");
  for(k=0; k<pO->nRuling; k++){
    const SnapRuling *pR = &p->aRuling[pO->iRuling + k];
    if( k ) buf_putc(b, ',');
    buf_printf(b, "[%lld,", pR->id);
    rank_json_str(b, pR->zKind);
    buf_putc(b, ',');
    rank_json_str(b, pR->zNo);
    buf_putc(b, ',');
    rank_json_str(b, pR->zState);
    buf_putc(b, ',');
    rank_json_str(b, pR->zFinalDate);
    buf_putc(b, ',');
    rank_num(b, pR->points);
    buf_putc(b, ']');
  }
  buf_puts(b, "]}");
}

void snapshot_canonical(const Snapshot *p, Buf *b){
  int i;
  buf_puts(b, "{\"format\":1,\"period\":");
  rank_json_str(b, p->zPeriod);
  buf_puts(b, ",\"period_end\":");
  rank_json_str(b, p->zPeriodEnd);
  buf_puts(b, ",\"survey_mean\":");
  if( p->bSurveyMean ) rank_num(b, p->surveyMean); else buf_puts(b, "null");
  buf_puts(b, ",\"indicators\":[");
  for(i=0; i<p->nInd; i++){
    if( i ) buf_putc(b, ',');
    rank_json_str(b, p->azInd[i]);
  }
  buf_puts(b, "],\"offices\":[");
  for(i=0; i<p->nOff; i++){
    if( i ) buf_puts(b, ",\n");
    snapshot_office_canonical(p, i, b);
  }
  buf_puts(b, "]}");
}

/* ---- Parsing --------------------------------------------------------- */

static const char *jstr(json_t *pObj, const char *zKey){
  const char *z = json_string_value(json_object_get(pObj, zKey));
  return z ? z : "";
}

static int jnum(json_t *p, double *pV){
  if( !json_is_number(p) ) return 0;
  *pV = json_number_value(p);
  return 1;
}

int snapshot_parse(const char *zJson, size_t n, Snapshot *p, char **pzErr){
  json_error_t e;
  json_t *pRoot, *pA, *pO;
  size_t i, k;
  int nFinal = 0, iClaim = 0;
  memset(p, 0, sizeof *p);
  *pzErr = 0;
  pRoot = json_loadb(zJson, n, 0, &e);
  if( pRoot==0 ){
    *pzErr = xsprintf("stored inputs: line %d: %s", e.line, e.text);
    return -1;
  }
  if( json_integer_value(json_object_get(pRoot, "format"))!=1
   || !json_is_array(json_object_get(pRoot, "offices"))
   || !json_is_array(json_object_get(pRoot, "indicators")) ){
    json_decref(pRoot);
    *pzErr = xsprintf("stored inputs: not a snapshot of format 1");
    return -1;
  }
  cpy(p->zPeriod, sizeof p->zPeriod, jstr(pRoot, "period"));
  cpy(p->zPeriodEnd, sizeof p->zPeriodEnd, jstr(pRoot, "period_end"));
  p->bSurveyMean = jnum(json_object_get(pRoot, "survey_mean"), &p->surveyMean);
  pA = json_object_get(pRoot, "indicators");
  p->nInd = (int)json_array_size(pA);
  p->azInd = xcalloc(p->nInd ? p->nInd : 1, sizeof(char *));
  for(i=0; i<(size_t)p->nInd; i++){
    const char *z = json_string_value(json_array_get(pA, i));
    p->azInd[i] = xstrdup(z ? z : "");
  }
  pA = json_object_get(pRoot, "offices");
  p->nOff = (int)json_array_size(pA);
  p->aOff = xcalloc(p->nOff ? p->nOff : 1, sizeof(SnapOffice));
  json_array_foreach(pA, i, pO){
    if( json_is_array(json_object_get(pO, "claims")) ) nFinal++;
    p->nRuling += (int)json_array_size(json_object_get(pO, "rulings"));
  }
  p->nClaim = nFinal*p->nInd;
  p->aClaim = xcalloc(p->nClaim ? p->nClaim : 1, sizeof(SnapClaim));
  p->aRuling = xcalloc(p->nRuling ? p->nRuling : 1, sizeof(SnapRuling));
  p->nRuling = 0;
  json_array_foreach(pA, i, pO){
    SnapOffice *pS = &p->aOff[i];
    json_t *pX;
    const char *zDecl = jstr(pO, "declaration");
    double v;
    cpy(pS->zCode, sizeof pS->zCode, jstr(pO, "code"));
    cpy(pS->zType, sizeof pS->zType, jstr(pO, "type"));
    cpy(pS->zProvince, sizeof pS->zProvince, jstr(pO, "province"));
    cpy(pS->zRegion, sizeof pS->zRegion, jstr(pO, "region"));
    cpy(pS->zStatus, sizeof pS->zStatus, jstr(pO, "status"));
    if( jstr(pO, "status_reason")[0] ) pS->zStatusReason = xstrdup(jstr(pO, "status_reason"));
    cpy(pS->zLicenceDate, sizeof pS->zLicenceDate, jstr(pO, "licence_date"));
    pX = json_object_get(pO, "registry");
    pS->nRegFilled = (int)json_integer_value(json_array_get(pX, 0));
    pS->nRegFields = (int)json_integer_value(json_array_get(pX, 1));
    pS->eDecl = strcmp(zDecl, "final")==0 ? SDECL_FINAL
              : strcmp(zDecl, "open")==0 ? SDECL_OPEN : SDECL_NONE;
    pX = json_object_get(pO, "staff");
    pS->nStaff = (int)json_integer_value(json_array_get(pX, 0));
    pS->nInsured = (int)json_integer_value(json_array_get(pX, 1));
    pS->nDisabled = (int)json_integer_value(json_array_get(pX, 2));
    pX = json_object_get(pO, "survey");
    pS->nSurvey = json_integer_value(json_array_get(pX, 0));
    if( jnum(json_array_get(pX, 1), &v) ) pS->surveySum = v;
    pS->bAssoc = jnum(json_object_get(pO, "association"), &pS->assoc);
    pS->iClaim = -1;
    pX = json_object_get(pO, "claims");
    if( json_is_array(pX) ){
      json_t *pC;
      pS->iClaim = iClaim;
      json_array_foreach(pX, k, pC){
        SnapClaim *pSC;
        if( k>=(size_t)p->nInd ) break;
        pSC = &p->aClaim[iClaim + k];
        if( !json_is_array(pC) ) continue;
        pSC->bClaim = 1;
        pSC->eDecision = (unsigned char)decisionFromCode(json_string_value(json_array_get(pC, 0)));
        pSC->bDeclared = (unsigned char)jnum(json_array_get(pC, 1), &pSC->declared);
        pSC->bVerified = (unsigned char)jnum(json_array_get(pC, 2), &pSC->verified);
      }
      iClaim += p->nInd;
    }
    pX = json_object_get(pO, "rulings");
    pS->iRuling = p->nRuling;
    {
      json_t *pR;
      json_array_foreach(pX, k, pR){
        SnapRuling *pSR = &p->aRuling[p->nRuling++];
        pSR->id = json_integer_value(json_array_get(pR, 0));
        cpy(pSR->zKind, sizeof pSR->zKind, json_string_value(json_array_get(pR, 1)));
        cpy(pSR->zNo, sizeof pSR->zNo, json_string_value(json_array_get(pR, 2)));
        cpy(pSR->zState, sizeof pSR->zState, json_string_value(json_array_get(pR, 3)));
        cpy(pSR->zFinalDate, sizeof pSR->zFinalDate, json_string_value(json_array_get(pR, 4)));
        jnum(json_array_get(pR, 5), &pSR->points);
        pS->nRuling++;
      }
    }
  }
  json_decref(pRoot);
  return 0;
}
