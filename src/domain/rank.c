/*
** rank.c — turns a period's snapshot into scores and ranks (rank.h).
**
** Pure: reads a Snapshot and a Scheme, writes a ResultSet, touches nothing
** else. Everything that varies by office lives in the snapshot; everything
** that varies by policy lives in the scheme. The rules are written out in
** docs/ranking.md; keep the two in step.
*/
#include <limits.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/rank.h"
#include "domain/survey.h"

static const char *const azStatus[RS_COUNT] = {
  "ranked", "did_not_participate", "revoked", "suspended"
};
static const char *const azStatusFa[RS_COUNT] = {
  "رتبه‌بندی‌شده", "شرکت نکرده", "پروانه لغوشده", "پروانه تعلیق‌شده"
};
static const char *const azBasis[RB_COUNT] = {
  "none", "accepted", "adjusted", "rejected", "unreviewed", "roster",
  "registry", "survey", "association"
};
static const char *const azBasisFa[RB_COUNT] = {
  "بی‌مقدار", "پذیرفته", "اصلاح‌شده در بررسی", "ردشده", "بررسی‌نشده",
  "فهرست کارکنان", "بانک اطلاعات دفاتر", "نظرسنجی", "انجمن صنفی"
};

const char *rank_status_code(RankStatus e){ return e<RS_COUNT ? azStatus[e] : "?"; }
const char *rank_status_label(RankStatus e){ return e<RS_COUNT ? azStatusFa[e] : "?"; }
const char *rank_basis_code(RankBasis e){ return e<RB_COUNT ? azBasis[e] : "?"; }
const char *rank_basis_label(RankBasis e){ return e<RB_COUNT ? azBasisFa[e] : "?"; }

RankStatus rank_status_from_code(const char *z){
  int i;
  for(i=0; z && i<RS_COUNT; i++) if( strcmp(z, azStatus[i])==0 ) return (RankStatus)i;
  return RS_COUNT;
}

int rank_type_index(const char *zType){
  if( strcmp(zType, "urban")==0 ) return 0;
  if( strcmp(zType, "rural_ict")==0 ) return 1;
  return -1;
}

/* ---- Numbers and JSON text ------------------------------------------- */

void rank_num(Buf *pOut, double v){
  char z[40];
  int n;
  if( v==0 ) v = 0;                         /* no "-0" */
  if( !isfinite(v) ){ buf_puts(pOut, "null"); return; }
  if( v==floor(v) && fabs(v)<1e15 ){
    /* Whole numbers without printf: the common case, and hot in hashing. */
    long long x = (long long)v;
    char *p = z + sizeof z;
    int bNeg = x<0;
    unsigned long long u = bNeg ? (unsigned long long)(-x) : (unsigned long long)x;
    do{ *--p = (char)('0' + u%10); u /= 10; }while( u );
    if( bNeg ) *--p = '-';
    buf_append(pOut, p, (size_t)(z + sizeof z - p));
    return;
  }
  for(n=15; n<=17; n++){
    snprintf(z, sizeof z, "%.*g", n, v);
    if( strtod(z, 0)==v ) break;
  }
  buf_puts(pOut, z);
}

void rank_json_str(Buf *pOut, const char *z){
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)(z ? z : ""), *pRun;
  buf_putc(pOut, '"');
  for(pRun=p; *p; p++){
    if( *p=='"' || *p=='\\' || *p<0x20 ){
      if( p>pRun ) buf_append(pOut, (const char *)pRun, (size_t)(p - pRun));
      if( *p<0x20 ){
        char a[7] = { '\\', 'u', '0', '0', hex[*p>>4], hex[*p&15], 0 };
        buf_append(pOut, a, 6);
      }else{
        char a[2] = { '\\', (char)*p };
        buf_append(pOut, a, 2);
      }
      pRun = p+1;
    }
  }
  if( p>pRun ) buf_append(pOut, (const char *)pRun, (size_t)(p - pRun));
  buf_putc(pOut, '"');
}

/* ---- Values ---------------------------------------------------------- */

/* Whole years from ISO date zFrom to ISO date zTo (0 when zTo is earlier);
** -1 when either does not parse. */
static int yearsBetween(const char *zFrom, const char *zTo){
  int y1, m1, d1, y2, m2, d2, n;
  if( sscanf(zFrom, "%4d-%2d-%2d", &y1, &m1, &d1)!=3 ) return -1;
  if( sscanf(zTo, "%4d-%2d-%2d", &y2, &m2, &d2)!=3 ) return -1;
  n = y2 - y1;
  if( m2<m1 || (m2==m1 && d2<d1) ) n--;
  return n<0 ? 0 : n;
}

/* Is the registry indicator pI the licence-years kind (else completeness)? */
static int isYearsIndicator(const Indicator *pI){
  return strstr(pI->zKey, "year")!=0;
}

/* The value of indicator pI for office pO (claim pC, may be NULL) into
** pLine (eBasis, bDeclared/declared, bValue/value). */
static void indicatorValue(const Snapshot *pSnap, const Scheme *pScheme,
                           const Indicator *pI, const SnapOffice *pO,
                           const SnapClaim *pC, RankLine *pLine){
  switch( pI->source ){
    case SRC_DECLARED:
      if( pC==0 || !pC->bClaim ){ pLine->eBasis = RB_NONE; return; }
      pLine->bDeclared = pC->bDeclared;
      pLine->declared = pC->declared;
      switch( pC->eDecision ){
        case SDEC_ACCEPT:
          pLine->eBasis = RB_ACCEPTED;
          pLine->bValue = pC->bDeclared; pLine->value = pC->declared;
          break;
        case SDEC_ADJUST:
          pLine->eBasis = RB_ADJUSTED;
          pLine->bValue = pC->bVerified; pLine->value = pC->verified;
          break;
        case SDEC_REJECT:
          pLine->eBasis = RB_REJECTED;
          break;
        default:
          pLine->eBasis = RB_UNREVIEWED;
          pLine->bValue = pC->bDeclared; pLine->value = pC->declared;
          break;
      }
      return;
    case SRC_ROSTER: {
      int n = pI->roster==ROSTER_INSURED ? pO->nInsured
            : pI->roster==ROSTER_DISABILITY ? pO->nDisabled : pO->nStaff;
      pLine->bDeclared = 1;
      pLine->declared = n;
      if( pC && pC->bClaim && pC->eDecision==SDEC_ADJUST ){
        pLine->eBasis = RB_ADJUSTED;
        pLine->bValue = pC->bVerified; pLine->value = pC->verified;
      }else if( pC && pC->bClaim && pC->eDecision==SDEC_REJECT ){
        pLine->eBasis = RB_REJECTED;
      }else{
        pLine->eBasis = RB_ROSTER;
        pLine->bValue = 1; pLine->value = n;
      }
      return;
    }
    case SRC_REGISTRY:
      pLine->eBasis = RB_REGISTRY;
      if( isYearsIndicator(pI) ){
        int n = pO->zLicenceDate[0] ? yearsBetween(pO->zLicenceDate, pSnap->zPeriodEnd) : -1;
        if( n>=0 ){ pLine->bValue = 1; pLine->value = n; }
      }else if( pO->nRegFields>0 ){
        pLine->bValue = 1;
        pLine->value = floor(100.0*pO->nRegFilled/pO->nRegFields + 0.5);
      }
      return;
    case SRC_SURVEY: {
      double m;
      pLine->eBasis = RB_SURVEY;
      if( !pSnap->bSurveyMean && pO->nSurvey==0 ) return;
      m = survey_shrunk(pO->nSurvey, pO->surveySum,
                        pSnap->bSurveyMean ? pSnap->surveyMean : pO->surveySum/(double)pO->nSurvey,
                        pScheme->surveyPriorWeight);
      m = survey_percent(m);
      if( m<0 ) m = 0;
      if( m>100 ) m = 100;
      pLine->bValue = 1;
      pLine->value = floor(m*100 + 0.5)/100;    /* two decimals */
      return;
    }
    case SRC_ASSOCIATION:
      pLine->eBasis = RB_ASSOCIATION;
      if( pO->bAssoc ){
        double v = pO->assoc;
        if( pI->bHasMax && v>pI->max ) v = pI->max;
        if( pI->bHasMin && v<pI->min ) v = pI->min;
        pLine->bValue = 1; pLine->value = v;
      }
      return;
    default:
      return;
  }
}

/* Points of pLine under pI, with the rule index and cap flag. */
static void indicatorPoints(const Indicator *pI, RankLine *pLine){
  IndValue v;
  int i;
  pLine->iRule = -1;
  pLine->points = 0;
  if( !pLine->bValue ) return;
  memset(&v, 0, sizeof v);
  v.bSet = 1;
  v.v = pLine->value;
  v.iChoice = pI->kind==KIND_CHOICE ? (int)pLine->value : -1;
  pLine->points = scheme_points(pI, &v);
  switch( pI->kind ){
    case KIND_NUMBER:
      for(i=pI->nBand-1; i>=0; i--){
        const Band *b = &pI->aBand[i];
        if( v.v>=b->min && (b->bOpen || v.v<b->max) ){ pLine->iRule = i; break; }
      }
      break;
    case KIND_COUNT:
      pLine->bCapped = floor(v.v)*pI->pointsEach > pI->cap;
      break;
    case KIND_CHOICE:
      if( v.iChoice>=0 && v.iChoice<pI->nChoice ) pLine->iRule = v.iChoice;
      break;
    default:
      break;
  }
}

/* Does final ruling pR count for a period ending zEnd? */
static int rulingCounts(const SnapRuling *pR, const char *zEnd){
  return strcmp(pR->zState, "final")==0 && pR->zFinalDate[0]
      && strcmp(pR->zFinalDate, zEnd)<=0;
}

/* ---- Places (tie-break) ---------------------------------------------- */

/* The sort key of a ranked result, packed for cache-friendly sorting. */
typedef struct PlaceKey {
  double score;          /* higher first */
  double penalty;        /* higher (fewer points lost) first */
  double survey;         /* higher first */
  int licence;           /* yyyymmdd, earlier first; INT_MAX when unknown */
  int i;                 /* result index (snapshot offices are in code order) */
} PlaceKey;

/* Order of two ranked results of one type: docs/ranking.md "Ties".
** Higher score; then fewer penalty points; then more points on the survey
** indicator; then the earlier licence date; then the office code. */
static int placeCmp(const Snapshot *pSnap, const PlaceKey *a, const PlaceKey *b){
  if( a->score!=b->score ) return a->score>b->score ? -1 : 1;
  if( a->penalty!=b->penalty ) return a->penalty>b->penalty ? -1 : 1;
  if( a->survey!=b->survey ) return a->survey>b->survey ? -1 : 1;
  if( a->licence!=b->licence ) return a->licence<b->licence ? -1 : 1;
  return strcmp(pSnap->aOff[a->i].zCode, pSnap->aOff[b->i].zCode);
}

/* Merge sort of a[0..n) by placeCmp (stable, no global context). */
static void placeSort(const Snapshot *pSnap, PlaceKey *a, PlaceKey *aTmp, int n){
  int m, i, j, k;
  if( n<2 ) return;
  if( n<=16 ){                               /* insertion sort for short runs */
    for(i=1; i<n; i++){
      PlaceKey x = a[i];
      for(j=i; j>0 && placeCmp(pSnap, &a[j-1], &x)>0; j--) a[j] = a[j-1];
      a[j] = x;
    }
    return;
  }
  m = n/2;
  placeSort(pSnap, a, aTmp, m);
  placeSort(pSnap, a+m, aTmp, n-m);
  if( placeCmp(pSnap, &a[m-1], &a[m])<=0 ) return;    /* already in order */
  for(i=0, j=m, k=0; i<m && j<n; ){
    aTmp[k++] = placeCmp(pSnap, &a[i], &a[j])<=0 ? a[i++] : a[j++];
  }
  while( i<m ) aTmp[k++] = a[i++];
  while( j<n ) aTmp[k++] = a[j++];
  memcpy(a, aTmp, n*sizeof(PlaceKey));
}

/* yyyymmdd of an ISO date, or INT_MAX. */
static int dateKey(const char *z){
  static const int aPos[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
  int i, v = 0;
  for(i=0; i<8; i++){
    char c = z[aPos[i]];
    if( c<'0' || c>'9' ) return INT_MAX;     /* also stops at the NUL */
    v = v*10 + (c - '0');
  }
  return z[4]=='-' && z[7]=='-' ? v : INT_MAX;
}

/* ---- The engine ------------------------------------------------------ */

void rank_clear(ResultSet *p){
  free(p->aRes);
  free(p->aLine);
  free(p->aPen);
  memset(p, 0, sizeof *p);
}

int rank_assign(const Snapshot *pSnap, const Scheme *pScheme, ResultSet *pOut){
  const RankThreshold *apThr[2] = { 0, 0 };
  int i, k, t, nPart = 0, nPenAlloc = 0, iSurvey = -1;
  memset(pOut, 0, sizeof *pOut);

  /* The scheme must be the snapshot's and know both office types. */
  if( pScheme->nInd!=pSnap->nInd ) return RANK_EBADSCHEME;
  for(k=0; k<pScheme->nInd; k++){
    if( strcmp(pScheme->aInd[k].zKey, pSnap->azInd[k])!=0 ) return RANK_EBADSCHEME;
    if( pScheme->aInd[k].source==SRC_SURVEY && iSurvey<0 ) iSurvey = k;
  }
  for(k=0; k<pScheme->nThr; k++){
    t = rank_type_index(pScheme->aThr[k].zType);
    if( t>=0 ) apThr[t] = &pScheme->aThr[k];
  }
  if( apThr[0]==0 || apThr[1]==0 ) return RANK_EBADSCHEME;

  pOut->pSnap = pSnap;
  pOut->nRes = pSnap->nOff;
  pOut->aRes = xcalloc(pSnap->nOff ? pSnap->nOff : 1, sizeof(RankResult));
  for(i=0; i<pSnap->nOff; i++) if( pSnap->aOff[i].eDecl==SDECL_FINAL ) nPart++;
  pOut->aLine = xcalloc((size_t)(nPart ? nPart : 1)*(pSnap->nInd ? pSnap->nInd : 1),
                        sizeof(RankLine));

  for(i=0; i<pSnap->nOff; i++){
    const SnapOffice *pO = &pSnap->aOff[i];
    RankResult *pR = &pOut->aRes[i];
    int bRevoked = 0;
    t = rank_type_index(pO->zType);
    pR->iOffice = i;
    pR->iLine = -1;
    pR->iRevokedBy = -1;
    pR->iPen = pOut->nPen;

    /* Rulings that count: final by the period's end. */
    for(k=0; k<pO->nRuling; k++){
      const SnapRuling *pRul = &pSnap->aRuling[pO->iRuling + k];
      const Penalty *pPen;
      if( !rulingCounts(pRul, pSnap->zPeriodEnd) ) continue;
      pPen = scheme_penalty(pScheme, pRul->zKind);
      if( pPen && pPen->bRevokes && pR->iRevokedBy<0 ) pR->iRevokedBy = pO->iRuling + k;
      if( pOut->nPen>=nPenAlloc ){
        nPenAlloc = nPenAlloc ? 2*nPenAlloc : 64;
        pOut->aPen = xrealloc(pOut->aPen, nPenAlloc*sizeof(int));
      }
      pOut->aPen[pOut->nPen++] = pO->iRuling + k;
      pR->nPen++;
    }

    if( strcmp(pO->zStatus, "revoked")==0 || pR->iRevokedBy>=0 ){
      pR->eStatus = RS_REVOKED;
      bRevoked = 1;
    }else if( strcmp(pO->zStatus, "suspended")==0 ){
      pR->eStatus = RS_SUSPENDED;
      bRevoked = 1;
    }
    if( bRevoked || t<0 ){
      if( t<0 ) pR->eStatus = RS_SUSPENDED;      /* unknown type: cannot be ranked */
      pR->iRank = 0;
      pOut->nRank[0]++;
      if( t>=0 ) pOut->aCount[t][RANK_COL_UNRANKED]++;
      continue;
    }
    if( pO->eDecl!=SDECL_FINAL ){
      pR->eStatus = RS_NOT_PARTICIPATED;
      pR->score = pScheme->nonParticipantScore;
      pR->iRank = pScheme->nonParticipantRank;
      pR->nPen = 0;                     /* the minimum, not a computed score */
      pOut->nPen = pR->iPen;
      pOut->nRank[pR->iRank]++;
      pOut->nNonPart++;
      pOut->aCount[t][pR->iRank-1]++;
      continue;
    }

    /* A participant: indicator by indicator. */
    pR->eStatus = RS_RANKED;
    pR->iLine = pOut->nLine;
    pOut->nLine += pSnap->nInd;
    for(k=0; k<pSnap->nInd; k++){
      const Indicator *pI = &pScheme->aInd[k];
      RankLine *pL = &pOut->aLine[pR->iLine + k];
      const SnapClaim *pC = pO->iClaim>=0 ? &pSnap->aClaim[pO->iClaim + k] : 0;
      indicatorValue(pSnap, pScheme, pI, pO, pC, pL);
      indicatorPoints(pI, pL);
      pR->sum += pL->points;
    }
    for(k=0; k<pR->nPen; k++) pR->penalty += pSnap->aRuling[pOut->aPen[pR->iPen + k]].points;
    {
      double s = pR->sum + pR->penalty;
      s = floor(s*100 + 0.5)/100;
      if( s<0 ) s = 0;
      pR->score = s;
    }
    pR->iRank = pR->score>=apThr[t]->rank1 ? 1 : pR->score>=apThr[t]->rank2 ? 2 : 3;
    pOut->nRank[pR->iRank]++;
    pOut->aCount[t][pR->iRank-1]++;
  }

  /* Places within each type, among the ranked participants. */
  if( nPart>0 ){
    PlaceKey *aKey = xmalloc(nPart*sizeof(PlaceKey)), *aTmp = xmalloc(nPart*sizeof(PlaceKey));
    for(t=0; t<2; t++){
      int n = 0;
      for(i=0; i<pOut->nRes; i++){
        const RankResult *pR = &pOut->aRes[i];
        PlaceKey *pK;
        if( pR->eStatus!=RS_RANKED || rank_type_index(pSnap->aOff[i].zType)!=t ) continue;
        pK = &aKey[n++];
        pK->score = pR->score;
        pK->penalty = pR->penalty;
        pK->survey = iSurvey>=0 ? pOut->aLine[pR->iLine + iSurvey].points : 0;
        pK->licence = dateKey(pSnap->aOff[i].zLicenceDate);
        pK->i = i;
      }
      placeSort(pSnap, aKey, aTmp, n);
      for(i=0; i<n; i++) pOut->aRes[aKey[i].i].iPlace = i+1;
    }
    free(aKey);
    free(aTmp);
  }
  return RANK_OK;
}

/* ---- Hash ------------------------------------------------------------ */

void rank_inputs_hash_text(const char *zSnap, const char *zScheme, char zOut[65]){
  crypto_hash_sha256_state st;
  unsigned char a[crypto_hash_sha256_BYTES];
  static const char zHead[] = "pishkhan-rank-inputs-1\n";
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, (const unsigned char *)zHead, sizeof zHead - 1);
  crypto_hash_sha256_update(&st, (const unsigned char *)zScheme, strlen(zScheme));
  crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
  crypto_hash_sha256_update(&st, (const unsigned char *)zSnap, strlen(zSnap));
  crypto_hash_sha256_final(&st, a);
  sodium_bin2hex(zOut, 65, a, sizeof a);
}

void rank_inputs_hash(const Snapshot *pSnap, const Scheme *pScheme, char zOut[65]){
  Buf b = {0};
  char *zScheme = scheme_canonical(pScheme);
  snapshot_canonical(pSnap, &b);
  rank_inputs_hash_text(buf_str(&b), zScheme, zOut);
  free(zScheme);
  buf_free(&b);
}

/* ---- Breakdown ------------------------------------------------------- */

const char *rank_reason(const ResultSet *pRs, const Scheme *pScheme, int i){
  const RankResult *pR = &pRs->aRes[i];
  const SnapOffice *pO = &pRs->pSnap->aOff[pR->iOffice];
  (void)pScheme;
  switch( pR->eStatus ){
    case RS_NOT_PARTICIPATED:
      return pO->eDecl==SDECL_OPEN ? "declaration not finalised" : "no declaration";
    case RS_REVOKED:
      return pR->iRevokedBy>=0 ? "licence revoked by a final ruling" : "licence revoked (registry)";
    case RS_SUSPENDED:
      return rank_type_index(pO->zType)<0 ? "unknown office type" : "licence suspended (registry)";
    default:
      return "";
  }
}

const char *rank_reason_fa(const ResultSet *pRs, const Scheme *pScheme, int i){
  const RankResult *pR = &pRs->aRes[i];
  const SnapOffice *pO = &pRs->pSnap->aOff[pR->iOffice];
  (void)pScheme;
  switch( pR->eStatus ){
    case RS_NOT_PARTICIPATED:
      return pO->eDecl==SDECL_OPEN ? "خوداظهاری نهایی نشد" : "خوداظهاری نکرد";
    case RS_REVOKED:
      return pR->iRevokedBy>=0 ? "لغو پروانه با رأی قطعی کمیته" : "لغو پروانه در بانک اطلاعات دفاتر";
    case RS_SUSPENDED:
      return "تعلیق پروانه";
    default:
      return "";
  }
}

/* A value of indicator pI as JSON (choice: the option's value string;
** yes/no: true/false; number: the number). */
static void valueJson(Buf *pOut, const Indicator *pI, int bSet, double v){
  if( !bSet ){ buf_puts(pOut, "null"); return; }
  switch( pI->kind ){
    case KIND_CHOICE: {
      int k = (int)v;
      if( k>=0 && k<pI->nChoice ) rank_json_str(pOut, pI->aChoice[k].zValue);
      else buf_puts(pOut, "null");
      return;
    }
    case KIND_YESNO:
      buf_puts(pOut, v!=0 ? "true" : "false");
      return;
    default:
      rank_num(pOut, v);
      return;
  }
}

/* The rule that gave pL its points, in English (bFa 0) or Persian. */
static void ruleText(Buf *pOut, const Indicator *pI, const RankLine *pL, int bFa){
  Buf b = {0};
  if( !pL->bValue ){
    buf_puts(&b, bFa ? "بی‌مقدار: 0" : "no value: 0");
  }else switch( pI->kind ){
    case KIND_NUMBER:
      if( pL->iRule>=0 ){
        const Band *pB = &pI->aBand[pL->iRule];
        buf_puts(&b, bFa ? "بازهٔ " : "band ");
        rank_num(&b, pB->min);
        if( pB->bOpen ){
          buf_puts(&b, bFa ? " و بیشتر" : " and above");
        }else{
          buf_puts(&b, bFa ? " تا کمتر از " : " to under ");
          rank_num(&b, pB->max);
        }
        buf_puts(&b, ": ");
        rank_num(&b, pB->points);
      }else{
        buf_puts(&b, bFa ? "بیرون از همهٔ بازه‌ها: 0" : "in no band: 0");
      }
      break;
    case KIND_COUNT:
      rank_num(&b, floor(pL->value));
      buf_puts(&b, " × ");
      rank_num(&b, pI->pointsEach);
      if( pL->bCapped ){
        buf_puts(&b, bFa ? "، سقف " : ", cap ");
        rank_num(&b, pI->cap);
      }else{
        buf_puts(&b, " = ");
        rank_num(&b, pL->points);
      }
      break;
    case KIND_CHOICE:
      if( pL->iRule>=0 ){
        buf_puts(&b, bFa ? "گزینهٔ " : "option ");
        buf_puts(&b, bFa ? pI->aChoice[pL->iRule].zLabel : pI->aChoice[pL->iRule].zValue);
        buf_puts(&b, ": ");
        rank_num(&b, pL->points);
      }else{
        buf_puts(&b, bFa ? "گزینهٔ ناشناخته: 0" : "unknown option: 0");
      }
      break;
    default:
      buf_puts(&b, pL->value!=0 ? (bFa ? "بله: " : "yes: ") : (bFa ? "خیر: " : "no: "));
      rank_num(&b, pL->points);
      break;
  }
  rank_json_str(pOut, buf_str(&b));
  buf_free(&b);
}

void rank_result_json(const ResultSet *pRs, const Scheme *pScheme, int i, Buf *pOut){
  const RankResult *pR = &pRs->aRes[i];
  const Snapshot *pSnap = pRs->pSnap;
  const SnapOffice *pO = &pSnap->aOff[pR->iOffice];
  int k;
  buf_puts(pOut, "{\"office\":");
  rank_json_str(pOut, pO->zCode);
  buf_puts(pOut, ",\"status\":");
  rank_json_str(pOut, rank_status_code(pR->eStatus));
  buf_puts(pOut, ",\"score\":");
  rank_num(pOut, pR->score);
  buf_printf(pOut, ",\"rank\":%d,\"place\":%d,\"sum\":", pR->iRank, pR->iPlace);
  rank_num(pOut, pR->sum);
  buf_puts(pOut, ",\"penalty\":");
  rank_num(pOut, pR->penalty);
  buf_puts(pOut, ",\"reason\":");
  rank_json_str(pOut, rank_reason(pRs, pScheme, i));
  buf_puts(pOut, ",\"reason_fa\":");
  if( pR->eStatus!=RS_RANKED && pR->eStatus!=RS_NOT_PARTICIPATED
   && pR->iRevokedBy<0 && pO->zStatusReason && pO->zStatusReason[0] ){
    Buf b = {0};
    buf_printf(&b, "%s: %s", rank_reason_fa(pRs, pScheme, i), pO->zStatusReason);
    rank_json_str(pOut, buf_str(&b));
    buf_free(&b);
  }else{
    rank_json_str(pOut, rank_reason_fa(pRs, pScheme, i));
  }
  buf_puts(pOut, ",\"indicators\":[");
  for(k=0; pR->iLine>=0 && k<pSnap->nInd; k++){
    const Indicator *pI = &pScheme->aInd[k];
    const RankLine *pL = &pRs->aLine[pR->iLine + k];
    const SnapClaim *pC = pO->iClaim>=0 ? &pSnap->aClaim[pO->iClaim + k] : 0;
    if( k ) buf_putc(pOut, ',');
    buf_puts(pOut, "{\"key\":");
    rank_json_str(pOut, pI->zKey);
    buf_puts(pOut, ",\"source\":");
    rank_json_str(pOut, scheme_source_code(pI->source));
    buf_puts(pOut, ",\"basis\":");
    rank_json_str(pOut, rank_basis_code((RankBasis)pL->eBasis));
    buf_puts(pOut, ",\"declared\":");
    valueJson(pOut, pI, pL->bDeclared, pL->declared);
    buf_puts(pOut, ",\"verified\":");
    if( pC && pC->bClaim && pC->eDecision!=SDEC_NONE ){
      valueJson(pOut, pI, pL->bValue, pL->value);
    }else if( pI->source!=SRC_DECLARED && pI->source!=SRC_ROSTER ){
      valueJson(pOut, pI, pL->bValue, pL->value);
    }else{
      buf_puts(pOut, "null");
    }
    buf_puts(pOut, ",\"value\":");
    valueJson(pOut, pI, pL->bValue, pL->value);
    buf_puts(pOut, ",\"points\":");
    rank_num(pOut, pL->points);
    buf_puts(pOut, ",\"max\":");
    rank_num(pOut, pI->maxPoints);
    buf_puts(pOut, ",\"rule\":");
    ruleText(pOut, pI, pL, 0);
    buf_puts(pOut, ",\"rule_fa\":");
    ruleText(pOut, pI, pL, 1);
    buf_putc(pOut, '}');
  }
  buf_puts(pOut, "],\"penalties\":[");
  for(k=0; k<pR->nPen; k++){
    const SnapRuling *pRul = &pSnap->aRuling[pRs->aPen[pR->iPen + k]];
    const Penalty *pPen = scheme_penalty(pScheme, pRul->zKind);
    if( k ) buf_putc(pOut, ',');
    buf_printf(pOut, "{\"ruling\":%lld,\"no\":", pRul->id);
    rank_json_str(pOut, pRul->zNo);
    buf_puts(pOut, ",\"kind\":");
    rank_json_str(pOut, pRul->zKind);
    buf_puts(pOut, ",\"label\":");
    rank_json_str(pOut, pPen ? pPen->zLabel : pRul->zKind);
    buf_puts(pOut, ",\"final_date\":");
    rank_json_str(pOut, pRul->zFinalDate);
    buf_puts(pOut, ",\"points\":");
    rank_num(pOut, pRul->points);
    buf_printf(pOut, ",\"revokes\":%s}", pPen && pPen->bRevokes ? "true" : "false");
  }
  buf_puts(pOut, "]}");
}

/* ---- What-if --------------------------------------------------------- */

void rank_scale_indicator(Scheme *pScheme, int iInd, double w){
  Indicator *pI;
  int k;
  if( iInd<0 || iInd>=pScheme->nInd || w<0 ) return;
  pI = &pScheme->aInd[iInd];
  for(k=0; k<pI->nBand; k++) pI->aBand[k].points *= w;
  for(k=0; k<pI->nChoice; k++) pI->aChoice[k].points *= w;
  pI->pointsEach *= w;
  pI->cap *= w;
  pI->yesPoints *= w;
  pI->noPoints *= w;
  pScheme->maxScore -= pI->maxPoints;
  pI->maxPoints *= w;
  pI->minPoints *= w;
  pScheme->maxScore += pI->maxPoints;
}

int rank_set_thresholds(Scheme *pScheme, const char *zType, double rank1, double rank2){
  int k;
  if( !(rank1>rank2) ) return -1;
  for(k=0; k<pScheme->nThr; k++){
    if( strcmp(pScheme->aThr[k].zType, zType)==0 ){
      pScheme->aThr[k].rank1 = rank1;
      pScheme->aThr[k].rank2 = rank2;
      return 0;
    }
  }
  return -1;
}
