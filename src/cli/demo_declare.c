/*
** demo_declare.c — the demo nation's users, periods and 1399-1
** declarations with their documents, through the product's own domain
** functions (user_create, period_create, period_advance, declaration_save,
** document_store_bytes, declaration_submit).
**
** Each office gets a latent quality q (standard normal, a little higher in
** some regions); its declared facts, and later its survey ratings and
** association score, are drawn from q, so that the ranks the engine
** computes land near the published shares (DESIGN.md, 1399 H1).
*/
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "base/jalali.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "domain/declaration.h"
#include "domain/document.h"
#include "domain/period.h"
#include "domain/scheme.h"
#include "domain/user.h"
#include "store/db.h"

/* Participants of 1399-1 as the regulator reported them. */
#define DEMO_PART_URBAN 3860
#define DEMO_PART_RURAL 296

/* Regions where participation ran higher (the regulator's words). */
static int busyRegion(const char *z){
  return strcmp(z, "central")==0 || strcmp(z, "southwest")==0
      || strcmp(z, "southeast")==0 || strcmp(z, "west")==0;
}

/* A standard normal draw (Box-Muller, one value per call). */
static double gauss(Demo *p){
  double u1 = demo_unit(p), u2 = demo_unit(p);
  if( u1<1e-12 ) u1 = 1e-12;
  return sqrt(-2.0*log(u1)) * cos(2.0*M_PI*u2);
}

/* ---- small real documents -------------------------------------------- */

/* A one-page PDF naming the office and the document; valid xref table. */
static char *makePdf(const char *zOffice, const char *zWhat, size_t *pn){
  char zStream[256], *z;
  size_t aOff[6], n = 0, nAlloc = 4096;
  int i, nStream;
  z = xmalloc(nAlloc);
  nStream = snprintf(zStream, sizeof zStream,
    "BT /F1 14 Tf 60 760 Td (pishkhan demo document) Tj 0 -24 Td (office %s) Tj"
    " 0 -24 Td (%s) Tj ET", zOffice, zWhat);
  n += (size_t)snprintf(z+n, nAlloc-n, "%%PDF-1.4\n");
  aOff[1] = n; n += (size_t)snprintf(z+n, nAlloc-n, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
  aOff[2] = n; n += (size_t)snprintf(z+n, nAlloc-n, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
  aOff[3] = n; n += (size_t)snprintf(z+n, nAlloc-n, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
                                     " /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj\n");
  aOff[4] = n; n += (size_t)snprintf(z+n, nAlloc-n, "4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", nStream, zStream);
  aOff[5] = n; n += (size_t)snprintf(z+n, nAlloc-n, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
  {
    size_t xref = n;
    n += (size_t)snprintf(z+n, nAlloc-n, "xref\n0 6\n0000000000 65535 f \n");
    for(i=1; i<=5; i++) n += (size_t)snprintf(z+n, nAlloc-n, "%010zu 00000 n \n", aOff[i]);
    n += (size_t)snprintf(z+n, nAlloc-n, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
  }
  *pn = n;
  return z;
}

static void put32(unsigned char *a, unsigned long v){
  a[0] = (unsigned char)(v>>24); a[1] = (unsigned char)(v>>16);
  a[2] = (unsigned char)(v>>8);  a[3] = (unsigned char)v;
}

/* Append a PNG chunk. */
static size_t pngChunk(unsigned char *a, size_t n, const char *zType,
                       const unsigned char *pData, size_t nData){
  unsigned long crc;
  put32(a+n, (unsigned long)nData); n += 4;
  memcpy(a+n, zType, 4); n += 4;
  if( nData ) memcpy(a+n, pData, nData);
  n += nData;
  crc = crc32(0, a+n-nData-4, (uInt)(nData+4));
  put32(a+n, crc); n += 4;
  return n;
}

/* A 48x32 RGB PNG picture (a ramp in two colours) for photo evidence. */
static unsigned char *makePng(int iVariant, size_t *pn){
  enum { W = 48, H = 32 };
  unsigned char raw[H*(1+W*3)], ihdr[13], *a;
  unsigned char zbuf[8192];
  uLongf nz = sizeof zbuf;
  size_t n = 0;
  int x, y;
  for(y=0; y<H; y++){
    unsigned char *r = raw + y*(1+W*3);
    r[0] = 0;
    for(x=0; x<W; x++){
      int bRamp = y > H - 4 - (x*(H-8))/W;
      r[1+x*3] = (unsigned char)(bRamp ? 120 + 10*iVariant : 200);
      r[2+x*3] = (unsigned char)(bRamp ? 110 : 225 - 5*iVariant);
      r[3+x*3] = (unsigned char)(bRamp ? 100 : 245);
    }
  }
  compress2(zbuf, &nz, raw, sizeof raw, 9);
  put32(ihdr, W); put32(ihdr+4, H);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  a = xmalloc(64 + nz);
  memcpy(a, "\x89PNG\r\n\x1a\n", 8); n = 8;
  n = pngChunk(a, n, "IHDR", ihdr, 13);
  n = pngChunk(a, n, "IDAT", zbuf, nz);
  n = pngChunk(a, n, "IEND", 0, 0);
  *pn = n;
  return a;
}

/* ---- users ------------------------------------------------------------- */

static void addUser(Demo *p, const char *zUser, Role e, const char *zScope){
  char *zErr = 0;
  long long id;
  if( p->zPwHash[0]==0 && user_pw_hash(DEMO_PASSWORD, p->zPwHash) ){
    fprintf(stderr, "pishkhan demo: cannot hash the demo password\n");
    return;
  }
  id = user_create_hashed(p->db, &p->actor, zUser, e, zScope, p->zPwHash, &zErr);
  if( id<0 ){
    fprintf(stderr, "pishkhan demo: user %s: %s\n", zUser, zErr ? zErr : "?");
  }
  free(zErr);
}

/* One user per role around the demo office, and a reviewer and a manager
** for every region. */
int demo_users(Demo *p){
  sqlite3_stmt *q;
  addUser(p, "admin", ROLE_HQ_ADMIN, 0);
  addUser(p, "hq1", ROLE_HQ_REVIEWER, 0);
  addUser(p, "hq2", ROLE_HQ_REVIEWER, 0);
  addUser(p, "office", ROLE_OFFICE, p->zOffice);
  addUser(p, "association", ROLE_ASSOCIATION, p->zProvince);
  addUser(p, "committee", ROLE_COMMITTEE, p->zProvince);
  q = db_prepare(p->db, "SELECT code FROM region ORDER BY code");
  while( sqlite3_step(q)==SQLITE_ROW ){
    char zName[64];
    const char *zRegion = db_col_text(q, 0);
    snprintf(zName, sizeof zName, "reviewer-%s", zRegion);
    addUser(p, zName, ROLE_REVIEWER, zRegion);
    snprintf(zName, sizeof zName, "manager-%s", zRegion);
    addUser(p, zName, ROLE_MANAGER, zRegion);
  }
  db_finalize(q);
  return 0;
}

void demo_print_users(Demo *p){
  printf("\nDemo logins (password for all: %s):\n", DEMO_PASSWORD);
  printf("  %-22s %s\n", "admin", "HQ admin (periods, users, ranking, publication, what-if)");
  printf("  %-22s %s\n", "hq1, hq2", "HQ reviewers (finalise regions, objections)");
  printf("  %-22s office operator of %s\n", "office", p->zOffice);
  printf("  %-22s region reviewer / manager of region %s (one pair per region)\n",
         "reviewer-REGION", p->zRegion);
  printf("  %-22s\n", "manager-REGION");
  printf("  %-22s provincial association of %s\n", "association", p->zProvince);
  printf("  %-22s provincial violation committee of %s\n", "committee", p->zProvince);
  if( p->zAgency[0] ) printf("  %-22s agency %s\n", "agency", p->zAgency);
}

/* ---- periods and declarations ------------------------------------------ */

/* The Jalali date d days from j, as ASCII "YYYY/MM/DD". */
static void jplus(Date j, int d, char *zOut, size_t n){
  Date g, r;
  char zIso[16];
  jalali_to_gregorian(j, &g);
  snprintf(zIso, sizeof zIso, "%04d-%02d-%02d", g.y, g.m, g.d);
  {
    struct tm tm;
    time_t t;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = g.y - 1900; tm.tm_mon = g.m - 1; tm.tm_mday = g.d + d; tm.tm_hour = 12;
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    g.y = tm.tm_year + 1900; g.m = tm.tm_mon + 1; g.d = tm.tm_mday;
  }
  jalali_from_gregorian(g, &r);
  snprintf(zOut, n, "%04d/%02d/%02d", r.y, r.m, r.d);
}

static int makePeriod(Demo *p, const char *zCode, const char *zFrom, const char *zTo,
                      const char *zReview){
  PeriodNew pn;
  PeriodState e;
  char *zErr = 0;
  memset(&pn, 0, sizeof pn);
  pn.zCode = zCode; pn.zDeclareFrom = zFrom; pn.zDeclareTo = zTo; pn.zReviewTo = zReview;
  pn.bDeemedConfirm = strcmp(zCode, "1399-1")!=0;   /* 1399: offices had to register */
  if( period_create(p->db, &p->actor, &pn, scheme_default_json(), &zErr) ){
    fprintf(stderr, "pishkhan demo: period %s: %s\n", zCode, zErr);
    free(zErr);
    return 1;
  }
  if( period_advance(p->db, &p->actor, zCode, &e, &zErr) ){   /* draft -> declaring */
    fprintf(stderr, "pishkhan demo: period %s: %s\n", zCode, zErr);
    free(zErr);
    return 1;
  }
  return 0;
}

/* Draw a participant's declared facts from its quality q. */
static json_t *drawValues(Demo *p, double q, int bRural, int *pnInsured, int *pnDisabled,
                          int *pbAccess){
  json_t *v = json_object();
  double area = (bRural ? 28 : 35) + 7*q + 5*gauss(p);
  double years = 7 + 2*q + 2.5*gauss(p);
  double rLoc = 0.6*q + 0.8*gauss(p);
  int nIns = (int)floor(2.8 + 0.6*q + 0.8*gauss(p) + 0.5);
  if( area<12 ) area = 12 + demo_below(p, 6);
  if( years<0 ) years = 0;
  if( years>28 ) years = 28;
  if( nIns<0 ) nIns = 0;
  if( nIns>6 ) nIns = 6;
  *pnInsured = nIns;
  *pnDisabled = demo_unit(p) < 0.10 + 0.08*q ? 1 + (demo_unit(p)<0.15) : 0;
  *pbAccess = q + 0.9*gauss(p) > -1.6;
  json_object_set_new(v, "floor_area", json_integer((json_int_t)floor(area)));
  json_object_set_new(v, "holder_years", json_integer((json_int_t)floor(years)));
  json_object_set_new(v, "location", json_string(rLoc>0.35 ? "ground_main" : rLoc>-0.9 ? "ground_side" : "upper_floor"));
  json_object_set_new(v, "accessibility", json_boolean(*pbAccess));
  return v;
}

/* A staff roster of nInsured insured members (+1 or 2 uninsured), nDisabled
** of them with a disability. */
static json_t *drawStaff(Demo *p, int nInsured, int nDisabled){
  json_t *a = json_array();
  int nTotal = nInsured + demo_below(p, 3), i;
  if( nTotal<1 ) nTotal = 1;
  if( nDisabled>nTotal ) nDisabled = nTotal;
  for(i=0; i<nTotal; i++){
    char zName[120], zNid[11], zStart[12];
    demo_person(p, zName, sizeof zName);
    demo_natid(p, zNid);
    demo_jdate(p, 1392, 1398, zStart, sizeof zStart);
    json_array_append_new(a, json_pack("{ss ss sb sb ss}", "name", zName,
      "national_id", zNid, "insured", i<nInsured, "disability", i<nDisabled,
      "start_date", zStart));
  }
  return a;
}

/*
** The document files of the participants, written on a second thread
** while the main thread declares: creating thousands of files is kernel
** time that would otherwise sit on the declarations' critical path. The
** store is content-addressed and written by rename, so the two threads
** need no handshake: when the main thread attaches an office's document
** before the writer got to it, document_write_bytes writes it there and then and
** the writer later finds it present.
*/
typedef struct DocWriter {
  const char *zDir;
  const DemoOfc *aOff;
  int nOff;
  int bStop;                  /* set by the main thread to stop early */
  pthread_t th;
} DocWriter;

static const char zPdfWhat[] = "lease, staff insurance list, licence history";

static void *docWriter(void *pArg){
  DocWriter *w = pArg;
  int i;
  for(i=0; i<w->nOff && !__atomic_load_n(&w->bStop, __ATOMIC_RELAXED); i++){
    char zSha[65];
    size_t n;
    char *zPdf;
    if( !w->aOff[i].bPart ) continue;
    zPdf = makePdf(w->aOff[i].zCode, zPdfWhat, &n);
    (void)document_write_bytes(w->zDir, zPdf, n, zSha);   /* the main thread reports failures */
    free(zPdf);
  }
  return 0;
}

/* Attach a document, reporting failure. */
static int attach(Demo *p, const char *zDir, const Period *pP, const char *zOffice,
                  const char *zInd, const char *zName, const void *a, size_t n,
                  const char *zNow){
  char zSha[65];
  DeclErr e;
  if( document_store_bytes(p->db, zDir, &p->actor, pP, zOffice, zInd, zName, a, n,
                           zNow, zSha, &e) ){
    fprintf(stderr, "pishkhan demo: %s: document %s: %s\n", zOffice, zInd, e.zEn);
    return 1;
  }
  return 0;
}

/*
** Declare, document and submit 1399-1 for every participant, while a
** second thread writes the participants' document files (DocWriter).
** Returns 0, or 1 after reporting the failure.
*/
static int declareAll(Demo *p, const char *zDir, const Period *pP, const char *zNow){
  DocWriter w;
  size_t nPng[4];
  unsigned char *aPng[4];
  int i, nOff = p->nOff, rc = 0, bWriter;
  for(i=0; i<4; i++) aPng[i] = makePng(i, &nPng[i]);
  memset(&w, 0, sizeof w);
  w.zDir = zDir;
  w.aOff = p->aOff;
  w.nOff = nOff;
  bWriter = pthread_create(&w.th, 0, docWriter, &w)==0;
  for(i=0; i<nOff && rc==0; i++){
    DemoOfc *pO = &p->aOff[i];
    json_t *pV, *pS;
    int nIns, nDis, bAcc, iVer = 0, k;
    DeclErr e;
    size_t nPdf;
    char *zPdf;
    if( !pO->bPart ) continue;
    pV = drawValues(p, pO->q, pO->bRural, &nIns, &nDis, &bAcc);
    pS = drawStaff(p, nIns, nDis);
    if( declaration_save(p->db, &p->actor, pP, pO->zCode, 0, pV, pS, zNow, &iVer, &e) ){
      fprintf(stderr, "pishkhan demo: %s: declaration: %s (%s)\n", pO->zCode, e.zEn, e.zField);
      rc = 1;
    }
    json_decref(pV);
    json_decref(pS);
    if( rc ) break;
    zPdf = makePdf(pO->zCode, zPdfWhat, &nPdf);
    rc = attach(p, zDir, pP, pO->zCode, "floor_area", "اجاره‌نامه.pdf", zPdf, nPdf, zNow)
      || attach(p, zDir, pP, pO->zCode, "holder_years", "سوابق-پروانه.pdf", zPdf, nPdf, zNow)
      || (nIns>0 && attach(p, zDir, pP, pO->zCode, "insured_staff", "فهرست-بیمه.pdf", zPdf, nPdf, zNow))
      || (nDis>0 && attach(p, zDir, pP, pO->zCode, "disabled_staff", "گواهی-بهزیستی.pdf", zPdf, nPdf, zNow))
      || (bAcc && (k = demo_below(p, 4),
                   attach(p, zDir, pP, pO->zCode, "accessibility", "عکس-سطح-شیبدار.png",
                          aPng[k], nPng[k], zNow)));
    free(zPdf);
    if( rc ) break;
    if( declaration_submit(p->db, &p->actor, pP, pO->zCode, zNow, &e) ){
      fprintf(stderr, "pishkhan demo: %s: submit: %s (%s)\n", pO->zCode, e.zEn, e.zField);
      rc = 1;
      break;
    }
  }
  __atomic_store_n(&w.bStop, 1, __ATOMIC_RELAXED);
  if( bWriter ) pthread_join(w.th, 0);
  for(i=0; i<4; i++) free(aPng[i]);
  return rc;
}

int demo_declarations(Demo *p, const char *zDir){
  sqlite3_stmt *q;
  int i, nOff = 0, nPart[2] = {0, 0};
  double *aKey;
  int *aIdx;
  Period per;
  Date today;
  char zFrom[12], zTo[12], zReview[12], zCur[12];
  const char *zNow = "2020-10-01T05:30:00Z";   /* 1399/07/10 09:00 Tehran */

  /* Offices in id order, their quality and the weighted participation draw. */
  q = db_prepare(p->db,
    "SELECT o.id, o.code, o.type, p.region_code, o.status, o.province_code"
    " FROM office o JOIN province p ON p.code=o.province_code ORDER BY o.id");
  while( sqlite3_step(q)==SQLITE_ROW ){
    DemoOfc *pO;
    if( nOff>=p->nOffAlloc ){
      p->nOffAlloc = p->nOffAlloc ? 2*p->nOffAlloc : 8192;
      p->aOff = xrealloc(p->aOff, sizeof(DemoOfc)*(size_t)p->nOffAlloc);
    }
    pO = &p->aOff[nOff++];
    memset(pO, 0, sizeof *pO);
    pO->iId = sqlite3_column_int64(q, 0);
    snprintf(pO->zCode, sizeof pO->zCode, "%s", db_col_text(q, 1));
    pO->bRural = strcmp(db_col_text(q, 2), "rural_ict")==0;
    snprintf(pO->zRegion, sizeof pO->zRegion, "%s", db_col_text(q, 3));
    snprintf(pO->zProvince, sizeof pO->zProvince, "%s", db_col_text(q, 5));
    pO->bRevoked = strcmp(db_col_text(q, 4), "revoked")==0;
    pO->q = gauss(p) + (busyRegion(pO->zRegion) ? 0.1 : 0.0);
  }
  db_finalize(q);
  p->nOff = nOff;

  /* Exactly DEMO_PART_* participants per type, weighted toward the busy
  ** regions and better offices (Efraimidis-Spirakis: key = u^(1/w)). */
  aKey = xcalloc((size_t)nOff, sizeof(double));
  aIdx = xcalloc((size_t)nOff, sizeof(int));
  for(i=0; i<nOff; i++){
    DemoOfc *pO = &p->aOff[i];
    double w = (busyRegion(pO->zRegion) ? 1.8 : 1.0) * exp(0.35*pO->q);
    aKey[i] = pO->bRevoked ? -1.0 : pow(demo_unit(p) + 1e-12, 1.0/w);
    aIdx[i] = i;
  }
  {
    int t;
    for(t=0; t<2; t++){
      int nWant = t ? DEMO_PART_RURAL : DEMO_PART_URBAN, k;
      /* selection by repeated max is O(n*k); sort indexes by key instead */
      int nSel = 0, j;
      int *aT = xcalloc((size_t)nOff, sizeof(int));
      for(j=0; j<nOff; j++) if( p->aOff[j].bRural==t ) aT[nSel++] = j;
      /* insertion into a simple descending order via qsort on keys */
      for(k=0; k<nSel; k++){
        int m, best = k;
        if( k>=nWant ) break;
        for(m=k+1; m<nSel; m++) if( aKey[aT[m]]>aKey[aT[best]] ) best = m;
        { int tmp = aT[k]; aT[k] = aT[best]; aT[best] = tmp; }
        p->aOff[aT[k]].bPart = 1;
        nPart[t]++;
      }
      free(aT);
    }
  }
  free(aKey);
  free(aIdx);

  /* The demo office: the first active urban participant of Tehran. */
  for(i=0; i<nOff; i++){
    DemoOfc *pO = &p->aOff[i];
    if( pO->bPart && !pO->bRural && strcmp(pO->zProvince, "tehran")==0 ){
      snprintf(p->zOffice, sizeof p->zOffice, "%s", pO->zCode);
      snprintf(p->zProvince, sizeof p->zProvince, "%s", pO->zProvince);
      snprintf(p->zRegion, sizeof p->zRegion, "%s", pO->zRegion);
      break;
    }
  }
  if( demo_users(p) ) return 1;

  /* Period 1399-1, and the current period: the half-year before today. */
  if( makePeriod(p, "1399-1", "1399/06/25", "1399/07/20", "1399/08/10") ) return 1;
  jalali_today(&today);
  {
    int y = today.m<=6 ? today.y-1 : today.y, h = today.m<=6 ? 2 : 1;
    snprintf(zCur, sizeof zCur, "%04d-%d", y, h);
    jplus(today, -10, zFrom, sizeof zFrom);
    jplus(today, 20, zTo, sizeof zTo);
    jplus(today, 41, zReview, sizeof zReview);
  }
  if( period_load(p->db, "1399-1", &per) ) return 1;

  if( declareAll(p, zDir, &per, zNow) ) return 1;
  {
    PeriodState e;
    char *zErr = 0;
    if( period_advance(p->db, &p->actor, "1399-1", &e, &zErr) ){   /* -> reviewing */
      fprintf(stderr, "pishkhan demo: period 1399-1: %s\n", zErr);
      free(zErr);
      return 1;
    }
  }
  if( makePeriod(p, zCur, zFrom, zTo, zReview) ) return 1;
  snprintf(p->zCurrent, sizeof p->zCurrent, "%s", zCur);
  printf("demo: period 1399-1: %d urban and %d rural ICT declarations submitted; "
         "current period %s open for declarations %s to %s\n",
         nPart[0], nPart[1], zCur, zFrom, zTo);
  return 0;
}

/* The latent quality of office iId (0 when unknown). */
double demo_quality(const Demo *p, long long iId){
  int lo = 0, hi = p->nOff - 1;
  while( lo<=hi ){
    int mid = (lo+hi)/2;
    if( p->aOff[mid].iId==iId ) return p->aOff[mid].q;
    if( p->aOff[mid].iId<iId ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}
