/*
** scheme.c — parse, validate and hash scoring schemes (scheme.h).
**
** The parser walks the jansson tree once, keeping the JSON path of the
** node at hand so that every error can name it. All errors are collected
** (up to MAX_ERRORS), not only the first, so an author fixes a file in one
** round.
*/
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/scheme.h"

#define MAX_ERRORS 50

static const char *const azSource[SRC_COUNT] = {
  "declared", "roster", "registry", "association", "survey"
};
static const char *const azSourceFa[SRC_COUNT] = {
  "خوداظهاری", "فهرست کارکنان", "بانک اطلاعات دفاتر", "انجمن صنفی استان", "نظرسنجی شهروندان"
};
static const char *const azKind[KIND_COUNT_] = { "number", "count", "choice", "yesno" };
static const char *const azKindFa[KIND_COUNT_] = {
  "عدد با بازه", "تعداد × امتیاز با سقف", "گزینه‌ای", "بله/خیر"
};
static const char *const azDoc[] = { "none", "optional", "required" };
static const char *const azRoster[] = { "", "all", "insured", "disability" };
static const char *const azType[] = { "urban", "rural_ict", 0 };

/* build/gen/scheme_default.c */
extern const char zSchemeDefaultJson[];
const char *scheme_default_json(void){ return zSchemeDefaultJson; }

const char *scheme_source_code(IndSource e){ return e<SRC_COUNT ? azSource[e] : "?"; }
const char *scheme_source_label(IndSource e){ return e<SRC_COUNT ? azSourceFa[e] : "?"; }
const char *scheme_kind_code(IndKind e){ return e<KIND_COUNT_ ? azKind[e] : "?"; }
const char *scheme_kind_label(IndKind e){ return e<KIND_COUNT_ ? azKindFa[e] : "?"; }
const char *scheme_doc_code(DocRule e){ return e<=DOC_REQUIRED ? azDoc[e] : "?"; }

/* Parser state: the error list and the current JSON path. */
typedef struct Parse {
  Buf err;
  int nErr;
  char zPath[256];
} Parse;

static void perr(Parse *pP, const char *zField, const char *zFmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Record an error at path pP->zPath + zField ("" = the node itself). */
static void perr(Parse *pP, const char *zField, const char *zFmt, ...){
  va_list ap;
  pP->nErr++;
  if( pP->nErr>MAX_ERRORS ) return;
  if( pP->err.n ) buf_putc(&pP->err, '\n');
  if( pP->zPath[0] && zField[0] ){
    buf_printf(&pP->err, "%s.%s: ", pP->zPath, zField);
  }else{
    buf_printf(&pP->err, "%s: ", pP->zPath[0] ? pP->zPath : (zField[0] ? zField : "(top)"));
  }
  va_start(ap, zFmt);
  buf_vprintf(&pP->err, zFmt, ap);
  va_end(ap);
}

/* Push ".name" or "[i]" onto the path; returns the old length for pathPop. */
static size_t pathPush(Parse *pP, const char *zName, int i){
  size_t n = strlen(pP->zPath);
  if( zName ){
    snprintf(pP->zPath + n, sizeof pP->zPath - n, "%s%s", n ? "." : "", zName);
  }else{
    snprintf(pP->zPath + n, sizeof pP->zPath - n, "[%d]", i);
  }
  return n;
}
static void pathPop(Parse *pP, size_t n){ pP->zPath[n] = 0; }

/* Report every member of pObj not named in azAllowed (NULL-terminated). */
static void checkKnown(Parse *pP, json_t *pObj, const char *const *azAllowed){
  const char *zKey;
  json_t *pV;
  json_object_foreach(pObj, zKey, pV){
    int i, bOk = 0;
    for(i=0; azAllowed[i]; i++) if( strcmp(azAllowed[i], zKey)==0 ){ bOk = 1; break; }
    if( !bOk ) perr(pP, zKey, "unknown field");
  }
}

/* A required or optional string member. Returns a heap copy, or NULL
** (after reporting when required or of the wrong type). */
static char *getStr(Parse *pP, json_t *pObj, const char *zName, int bRequired,
                    size_t nMax){
  json_t *pV = json_object_get(pObj, zName);
  char *z;
  if( pV==0 || json_is_null(pV) ){
    if( bRequired ) perr(pP, zName, "required");
    return 0;
  }
  if( !json_is_string(pV) ){ perr(pP, zName, "must be a string"); return 0; }
  z = text_normalize_dup(json_string_value(pV));
  if( z==0 ){ perr(pP, zName, "broken UTF-8"); return 0; }
  if( bRequired && z[0]==0 ){ perr(pP, zName, "must not be empty"); free(z); return 0; }
  if( strlen(z)>nMax ){ perr(pP, zName, "at most %zu bytes", nMax); free(z); return 0; }
  return z;
}

/* A number member. Returns 1 and sets *pV when present and numeric;
** 0 when absent (reported when required) or of the wrong type. */
static int getNum(Parse *pP, json_t *pObj, const char *zName, int bRequired, double *pV){
  json_t *p = json_object_get(pObj, zName);
  if( p==0 || json_is_null(p) ){
    if( bRequired ) perr(pP, zName, "required");
    return 0;
  }
  if( !json_is_number(p) ){ perr(pP, zName, "must be a number"); return 0; }
  *pV = json_number_value(p);
  if( !isfinite(*pV) || fabs(*pV)>1e12 ){ perr(pP, zName, "number out of range"); return 0; }
  return 1;
}

/* A boolean member with a default. */
static int getBool(Parse *pP, json_t *pObj, const char *zName, int bDflt){
  json_t *p = json_object_get(pObj, zName);
  if( p==0 || json_is_null(p) ) return bDflt;
  if( !json_is_boolean(p) ){ perr(pP, zName, "must be true or false"); return bDflt; }
  return json_is_true(p);
}

/* An enum member: index into az[0..n), or -1 (reported). */
static int getEnum(Parse *pP, json_t *pObj, const char *zName, const char *const *az,
                   int n, int iDflt){
  json_t *p = json_object_get(pObj, zName);
  int i;
  Buf b = {0};
  if( p==0 || json_is_null(p) ){
    if( iDflt<0 ) perr(pP, zName, "required");
    return iDflt;
  }
  if( json_is_string(p) ){
    for(i=0; i<n; i++) if( az[i][0] && strcmp(az[i], json_string_value(p))==0 ) return i;
  }
  for(i=0; i<n; i++){
    if( az[i][0]==0 ) continue;
    buf_printf(&b, "%s%s", b.n ? ", " : "", az[i]);
  }
  perr(pP, zName, "must be one of %s", buf_str(&b));
  buf_free(&b);
  return -1;
}

/* Is z a key: [a-z][a-z0-9_]{0,39}? */
static int isKey(const char *z){
  size_t i;
  if( z==0 || !(z[0]>='a' && z[0]<='z') ) return 0;
  for(i=0; z[i]; i++){
    if( !((z[i]>='a' && z[i]<='z') || (z[i]>='0' && z[i]<='9') || z[i]=='_') ) return 0;
  }
  return i<=40;
}

static void indicatorClear(Indicator *pI){
  int i;
  free(pI->zKey); free(pI->zLabel); free(pI->zHelp); free(pI->zUnit);
  free(pI->aBand);
  for(i=0; i<pI->nChoice; i++){ free(pI->aChoice[i].zValue); free(pI->aChoice[i].zLabel); }
  free(pI->aChoice);
  memset(pI, 0, sizeof *pI);
}

void scheme_clear(Scheme *p){
  int i;
  free(p->zName);
  free(p->zNote);
  for(i=0; i<p->nInd; i++) indicatorClear(&p->aInd[i]);
  free(p->aInd);
  for(i=0; i<p->nPen; i++){ free(p->aPen[i].zKind); free(p->aPen[i].zLabel); }
  free(p->aPen);
  for(i=0; i<p->nThr; i++) free(p->aThr[i].zType);
  free(p->aThr);
  memset(p, 0, sizeof *p);
}

static char *dupOrNull(const char *z){ return z ? xstrdup(z) : 0; }

/* Deep copy of pSrc into *pDst (scheme_clear frees it). */
void scheme_copy(Scheme *pDst, const Scheme *pSrc){
  int i, k;
  *pDst = *pSrc;
  pDst->zName = dupOrNull(pSrc->zName);
  pDst->zNote = dupOrNull(pSrc->zNote);
  pDst->aInd = pSrc->nInd ? xcalloc((size_t)pSrc->nInd, sizeof(Indicator)) : 0;
  for(i=0; i<pSrc->nInd; i++){
    const Indicator *a = &pSrc->aInd[i];
    Indicator *b = &pDst->aInd[i];
    *b = *a;
    b->zKey = dupOrNull(a->zKey); b->zLabel = dupOrNull(a->zLabel);
    b->zHelp = dupOrNull(a->zHelp); b->zUnit = dupOrNull(a->zUnit);
    if( a->nBand ){
      b->aBand = xmalloc(sizeof(Band)*(size_t)a->nBand);
      memcpy(b->aBand, a->aBand, sizeof(Band)*(size_t)a->nBand);
    }else{
      b->aBand = 0;
    }
    b->aChoice = a->nChoice ? xcalloc((size_t)a->nChoice, sizeof(Choice)) : 0;
    for(k=0; k<a->nChoice; k++){
      b->aChoice[k] = a->aChoice[k];
      b->aChoice[k].zValue = dupOrNull(a->aChoice[k].zValue);
      b->aChoice[k].zLabel = dupOrNull(a->aChoice[k].zLabel);
    }
  }
  pDst->aPen = pSrc->nPen ? xcalloc((size_t)pSrc->nPen, sizeof(Penalty)) : 0;
  for(i=0; i<pSrc->nPen; i++){
    pDst->aPen[i] = pSrc->aPen[i];
    pDst->aPen[i].zKind = dupOrNull(pSrc->aPen[i].zKind);
    pDst->aPen[i].zLabel = dupOrNull(pSrc->aPen[i].zLabel);
  }
  pDst->aThr = pSrc->nThr ? xcalloc((size_t)pSrc->nThr, sizeof(RankThreshold)) : 0;
  for(i=0; i<pSrc->nThr; i++){
    pDst->aThr[i] = pSrc->aThr[i];
    pDst->aThr[i].zType = dupOrNull(pSrc->aThr[i].zType);
  }
}

/* The bands of a KIND_NUMBER indicator. */
static void parseBands(Parse *pP, json_t *pArr, Indicator *pI){
  static const char *const azBandField[] = { "min", "max", "points", 0 };
  size_t i, n;
  if( pArr==0 ){ perr(pP, "bands", "required for kind number"); return; }
  if( !json_is_array(pArr) || json_array_size(pArr)==0 ){
    perr(pP, "bands", "must be a non-empty array");
    return;
  }
  n = json_array_size(pArr);
  pI->aBand = xcalloc(n, sizeof(Band));
  for(i=0; i<n; i++){
    json_t *pB = json_array_get(pArr, i);
    Band *pBand = &pI->aBand[pI->nBand];
    size_t n0 = strlen(pP->zPath);
    snprintf(pP->zPath + n0, sizeof pP->zPath - n0, "%sbands[%zu]", n0 ? "." : "", i);
    if( !json_is_object(pB) ){
      perr(pP, "", "must be an object {\"min\":..,\"max\":..,\"points\":..}");
      pathPop(pP, n0);
      continue;
    }
    checkKnown(pP, pB, azBandField);
    pBand->min = 0;
    getNum(pP, pB, "min", 1, &pBand->min);
    if( json_object_get(pB, "max")==0 || json_is_null(json_object_get(pB, "max")) ){
      pBand->bOpen = 1;
      if( i+1<n ) perr(pP, "max", "required (only the last band may be open-ended)");
    }else if( getNum(pP, pB, "max", 1, &pBand->max) && pBand->max<=pBand->min ){
      perr(pP, "max", "must be greater than min");
    }
    getNum(pP, pB, "points", 1, &pBand->points);
    if( pI->nBand>0 ){
      const Band *pPrev = &pI->aBand[pI->nBand-1];
      if( pBand->min < pPrev->max || pBand->min <= pPrev->min ){
        perr(pP, "min", "must be greater than the previous band");
      }
    }
    pI->nBand++;
    pathPop(pP, n0);
  }
}

/* The options of a KIND_CHOICE indicator. */
static void parseOptions(Parse *pP, json_t *pArr, Indicator *pI){
  static const char *const azOptField[] = { "value", "label", "points", 0 };
  size_t i, n;
  if( pArr==0 ){ perr(pP, "options", "required for kind choice"); return; }
  if( !json_is_array(pArr) || json_array_size(pArr)==0 ){
    perr(pP, "options", "must be a non-empty array");
    return;
  }
  n = json_array_size(pArr);
  pI->aChoice = xcalloc(n, sizeof(Choice));
  for(i=0; i<n; i++){
    json_t *pO = json_array_get(pArr, i);
    Choice *pC = &pI->aChoice[pI->nChoice];
    size_t n0 = strlen(pP->zPath);
    int k;
    snprintf(pP->zPath + n0, sizeof pP->zPath - n0, "%soptions[%zu]", n0 ? "." : "", i);
    if( !json_is_object(pO) ){
      perr(pP, "", "must be an object {\"value\":..,\"label\":..,\"points\":..}");
      pathPop(pP, n0);
      continue;
    }
    checkKnown(pP, pO, azOptField);
    pC->zValue = getStr(pP, pO, "value", 1, 40);
    if( pC->zValue && !isKey(pC->zValue) ){
      perr(pP, "value", "\"%s\": only a-z, 0-9 and '_', starting with a letter", pC->zValue);
    }
    for(k=0; pC->zValue && k<pI->nChoice; k++){
      if( pI->aChoice[k].zValue && strcmp(pI->aChoice[k].zValue, pC->zValue)==0 ){
        perr(pP, "value", "\"%s\" appears twice (also options[%d])", pC->zValue, k);
      }
    }
    pC->zLabel = getStr(pP, pO, "label", 1, 400);
    getNum(pP, pO, "points", 1, &pC->points);
    if( pC->zValue==0 ) pC->zValue = xstrdup("");
    if( pC->zLabel==0 ) pC->zLabel = xstrdup("");
    pI->nChoice++;
    pathPop(pP, n0);
  }
}

/* Fill maxPoints and minPoints of an indicator. */
static void indicatorRange(Indicator *pI){
  int i;
  double mx = 0, mn = 0;
  switch( pI->kind ){
    case KIND_NUMBER:
      for(i=0; i<pI->nBand; i++){
        if( i==0 || pI->aBand[i].points>mx ) mx = pI->aBand[i].points;
        if( i==0 || pI->aBand[i].points<mn ) mn = pI->aBand[i].points;
      }
      if( mn>0 ) mn = 0;   /* a value in no band earns 0 */
      if( mx<0 ) mx = 0;
      break;
    case KIND_COUNT:
      mx = pI->cap;
      if( pI->bHasMax && pI->max*pI->pointsEach < mx ) mx = pI->max*pI->pointsEach;
      mn = 0;
      break;
    case KIND_CHOICE:
      for(i=0; i<pI->nChoice; i++){
        if( i==0 || pI->aChoice[i].points>mx ) mx = pI->aChoice[i].points;
        if( i==0 || pI->aChoice[i].points<mn ) mn = pI->aChoice[i].points;
      }
      break;
    default:
      mx = pI->yesPoints>pI->noPoints ? pI->yesPoints : pI->noPoints;
      mn = pI->yesPoints<pI->noPoints ? pI->yesPoints : pI->noPoints;
      break;
  }
  pI->maxPoints = mx;
  pI->minPoints = mn;
}

/* One element of "indicators". */
static void parseIndicator(Parse *pP, json_t *pObj, Indicator *pI){
  static const char *const azCommon[] = {
    "key", "label", "help", "unit", "source", "kind", "document", "roster",
    "min", "max", "integer", "bands", "points_each", "cap", "options",
    "yes_points", "no_points", 0
  };
  int e, eKind;
  if( !json_is_object(pObj) ){ perr(pP, "", "must be an object"); return; }
  checkKnown(pP, pObj, azCommon);
  pI->zKey = getStr(pP, pObj, "key", 1, 40);
  if( pI->zKey && !isKey(pI->zKey) ){
    perr(pP, "key", "\"%s\": only a-z, 0-9 and '_', starting with a letter", pI->zKey);
  }
  pI->zLabel = getStr(pP, pObj, "label", 1, 400);
  pI->zHelp = getStr(pP, pObj, "help", 0, 2000);
  pI->zUnit = getStr(pP, pObj, "unit", 0, 100);
  e = getEnum(pP, pObj, "source", azSource, SRC_COUNT, -1);
  pI->source = e<0 ? SRC_DECLARED : (IndSource)e;
  eKind = getEnum(pP, pObj, "kind", azKind, KIND_COUNT_, -1);
  pI->kind = eKind<0 ? KIND_NUMBER : (IndKind)eKind;
  e = getEnum(pP, pObj, "document", azDoc, 3, DOC_NONE);
  pI->doc = e<0 ? DOC_NONE : (DocRule)e;
  if( pI->source==SRC_ROSTER ){
    e = getEnum(pP, pObj, "roster", azRoster, 4, -1);
    pI->roster = e<0 ? ROSTER_NONE : (RosterField)e;
    if( eKind>=0 && pI->kind!=KIND_COUNT ){
      perr(pP, "kind", "must be count for source roster");
    }
  }else if( json_object_get(pObj, "roster") ){
    perr(pP, "roster", "only for source roster");
  }
  if( (pI->source==SRC_ROSTER || pI->source==SRC_DECLARED)==0 && pI->doc!=DOC_NONE ){
    perr(pP, "document", "documents are attached only to declared and roster indicators");
  }
  /* fields that belong to one kind only */
  {
    static const struct { const char *zField; int kind; } aOnly[] = {
      { "bands", KIND_NUMBER }, { "integer", KIND_NUMBER },
      { "points_each", KIND_COUNT }, { "cap", KIND_COUNT },
      { "options", KIND_CHOICE },
      { "yes_points", KIND_YESNO }, { "no_points", KIND_YESNO },
      { "min", -2 }, { "max", -2 },
    };
    size_t k;
    for(k=0; eKind>=0 && k<sizeof(aOnly)/sizeof(aOnly[0]); k++){
      int bUsed = aOnly[k].kind==-2 ? (pI->kind==KIND_NUMBER || pI->kind==KIND_COUNT)
                                    : (int)pI->kind==aOnly[k].kind;
      if( !bUsed && json_object_get(pObj, aOnly[k].zField) ){
        perr(pP, aOnly[k].zField, "not used by kind %s", azKind[pI->kind]);
      }
    }
  }
  if( eKind<0 ) return;
  switch( pI->kind ){
    case KIND_NUMBER:
    case KIND_COUNT:
      pI->bHasMin = getNum(pP, pObj, "min", 0, &pI->min);
      pI->bHasMax = getNum(pP, pObj, "max", 0, &pI->max);
      if( pI->bHasMin && pI->bHasMax && pI->max<pI->min ){
        perr(pP, "max", "must not be less than min");
      }
      if( pI->kind==KIND_NUMBER ){
        pI->bInteger = getBool(pP, pObj, "integer", 0);
        parseBands(pP, json_object_get(pObj, "bands"), pI);
      }else{
        pI->bInteger = 1;
        if( pI->bHasMin && pI->min<0 ) perr(pP, "min", "a count cannot be negative");
        if( !pI->bHasMin ){ pI->bHasMin = 1; pI->min = 0; }
        if( getNum(pP, pObj, "points_each", 1, &pI->pointsEach) && pI->pointsEach<0 ){
          perr(pP, "points_each", "must not be negative");
        }
        if( getNum(pP, pObj, "cap", 1, &pI->cap) && pI->cap<0 ){
          perr(pP, "cap", "must not be negative");
        }
      }
      break;
    case KIND_CHOICE:
      parseOptions(pP, json_object_get(pObj, "options"), pI);
      break;
    default:
      getNum(pP, pObj, "yes_points", 1, &pI->yesPoints);
      getNum(pP, pObj, "no_points", 1, &pI->noPoints);
      break;
  }
  indicatorRange(pI);
}

static void parsePenalty(Parse *pP, json_t *pObj, Penalty *pPen){
  static const char *const azField[] = { "kind", "label", "points", "revokes", 0 };
  if( !json_is_object(pObj) ){ perr(pP, "", "must be an object"); return; }
  checkKnown(pP, pObj, azField);
  pPen->zKind = getStr(pP, pObj, "kind", 1, 40);
  if( pPen->zKind && !isKey(pPen->zKind) ){
    perr(pP, "kind", "\"%s\": only a-z, 0-9 and '_', starting with a letter", pPen->zKind);
  }
  pPen->zLabel = getStr(pP, pObj, "label", 1, 400);
  if( getNum(pP, pObj, "points", 1, &pPen->points) && pPen->points>0 ){
    perr(pP, "points", "a penalty must be zero or negative");
  }
  pPen->bRevokes = getBool(pP, pObj, "revokes", 0);
}

static void parseThresholds(Parse *pP, json_t *pObj, Scheme *p){
  static const char *const azField[] = { "rank1", "rank2", 0 };
  size_t n0;
  int i;
  if( pObj==0 ){ perr(pP, "thresholds", "required"); return; }
  n0 = pathPush(pP, "thresholds", 0);
  if( !json_is_object(pObj) ){
    perr(pP, "", "must be an object {\"urban\":{\"rank1\":..,\"rank2\":..},\"rural_ict\":{..}}");
    pathPop(pP, n0);
    return;
  }
  checkKnown(pP, pObj, azType);
  p->aThr = xcalloc(2, sizeof(RankThreshold));
  for(i=0; i<2; i++){
    json_t *pT = json_object_get(pObj, azType[i]);
    RankThreshold *pR = &p->aThr[p->nThr];
    size_t n1;
    if( pT==0 ){ perr(pP, azType[i], "required"); continue; }
    n1 = pathPush(pP, azType[i], 0);
    if( !json_is_object(pT) ){
      perr(pP, "", "must be an object {\"rank1\":..,\"rank2\":..}");
    }else{
      checkKnown(pP, pT, azField);
      pR->zType = xstrdup(azType[i]);
      if( getNum(pP, pT, "rank1", 1, &pR->rank1) & getNum(pP, pT, "rank2", 1, &pR->rank2) ){
        if( pR->rank1<=pR->rank2 ) perr(pP, "rank1", "must be greater than rank2");
      }
      p->nThr++;
    }
    pathPop(pP, n1);
  }
  pathPop(pP, n0);
}

/* Parse the whole document into p. */
static void parseScheme(Parse *pP, json_t *pRoot, Scheme *p){
  static const char *const azTop[] = {
    "format", "name", "note", "assumption", "indicators", "penalties",
    "thresholds", "non_participant", "objection_days", "service_caps", "survey", 0
  };
  json_t *pA, *pV;
  size_t i, n, n0;
  double v;
  if( !json_is_object(pRoot) ){ perr(pP, "", "a scheme must be a JSON object"); return; }
  checkKnown(pP, pRoot, azTop);
  pV = json_object_get(pRoot, "format");
  if( pV && !(json_is_integer(pV) && json_integer_value(pV)==1) ){
    perr(pP, "format", "must be 1 (the only format this pishkhan knows)");
  }
  p->zName = getStr(pP, pRoot, "name", 1, 400);
  p->zNote = getStr(pP, pRoot, "note", 0, 4000);
  p->bAssumption = getBool(pP, pRoot, "assumption", 0);

  /* indicators */
  pA = json_object_get(pRoot, "indicators");
  if( pA==0 ){
    perr(pP, "indicators", "required");
  }else if( !json_is_array(pA) || json_array_size(pA)==0 ){
    perr(pP, "indicators", "must be a non-empty array");
  }else{
    n = json_array_size(pA);
    p->aInd = xcalloc(n, sizeof(Indicator));
    for(i=0; i<n; i++){
      Indicator *pI = &p->aInd[p->nInd++];
      int k;
      n0 = strlen(pP->zPath);
      snprintf(pP->zPath + n0, sizeof pP->zPath - n0, "indicators[%zu]", i);
      parseIndicator(pP, json_array_get(pA, i), pI);
      for(k=0; pI->zKey && k<p->nInd-1; k++){
        if( p->aInd[k].zKey && strcmp(p->aInd[k].zKey, pI->zKey)==0 ){
          perr(pP, "key", "\"%s\" appears twice (also indicators[%d])", pI->zKey, k);
        }
      }
      if( pI->zKey==0 ) pI->zKey = xstrdup("");
      if( pI->zLabel==0 ) pI->zLabel = xstrdup("");
      if( pI->zHelp==0 ) pI->zHelp = xstrdup("");
      if( pI->zUnit==0 ) pI->zUnit = xstrdup("");
      p->maxScore += pI->maxPoints;
      pathPop(pP, n0);
    }
  }

  /* penalties */
  pA = json_object_get(pRoot, "penalties");
  if( pA==0 ){
    perr(pP, "penalties", "required (may be an empty array)");
  }else if( !json_is_array(pA) ){
    perr(pP, "penalties", "must be an array");
  }else{
    n = json_array_size(pA);
    p->aPen = xcalloc(n ? n : 1, sizeof(Penalty));
    for(i=0; i<n; i++){
      Penalty *pPen = &p->aPen[p->nPen++];
      int k;
      n0 = strlen(pP->zPath);
      snprintf(pP->zPath + n0, sizeof pP->zPath - n0, "penalties[%zu]", i);
      parsePenalty(pP, json_array_get(pA, i), pPen);
      for(k=0; pPen->zKind && k<p->nPen-1; k++){
        if( p->aPen[k].zKind && strcmp(p->aPen[k].zKind, pPen->zKind)==0 ){
          perr(pP, "kind", "\"%s\" appears twice (also penalties[%d])", pPen->zKind, k);
        }
      }
      if( pPen->zKind==0 ) pPen->zKind = xstrdup("");
      if( pPen->zLabel==0 ) pPen->zLabel = xstrdup("");
      pathPop(pP, n0);
    }
  }

  parseThresholds(pP, json_object_get(pRoot, "thresholds"), p);

  /* non_participant */
  pV = json_object_get(pRoot, "non_participant");
  if( pV==0 ){
    perr(pP, "non_participant", "required ({\"score\":0,\"rank\":3})");
  }else{
    static const char *const azField[] = { "score", "rank", 0 };
    n0 = pathPush(pP, "non_participant", 0);
    if( !json_is_object(pV) ){
      perr(pP, "", "must be an object {\"score\":..,\"rank\":..}");
    }else{
      checkKnown(pP, pV, azField);
      getNum(pP, pV, "score", 1, &p->nonParticipantScore);
      if( getNum(pP, pV, "rank", 1, &v) ){
        if( v!=1 && v!=2 && v!=3 ) perr(pP, "rank", "must be 1, 2 or 3");
        else p->nonParticipantRank = (int)v;
      }
    }
    pathPop(pP, n0);
  }

  /* objection_days */
  if( getNum(pP, pRoot, "objection_days", 1, &v) ){
    if( v!=floor(v) || v<1 || v>90 ) perr(pP, "objection_days", "must be a whole number of days from 1 to 90");
    else p->objectionDays = (int)v;
  }

  /* service_caps */
  pV = json_object_get(pRoot, "service_caps");
  if( pV==0 ){
    perr(pP, "service_caps", "required ({\"1\":1.0,\"2\":0.7,\"3\":0.3})");
  }else{
    static const char *const azField[] = { "1", "2", "3", 0 };
    n0 = pathPush(pP, "service_caps", 0);
    if( !json_is_object(pV) ){
      perr(pP, "", "must be an object {\"1\":..,\"2\":..,\"3\":..}");
    }else{
      int k;
      checkKnown(pP, pV, azField);
      for(k=0; k<3; k++){
        if( getNum(pP, pV, azField[k], 1, &p->aServiceCap[k]) ){
          if( p->aServiceCap[k]<=0 || p->aServiceCap[k]>1 ){
            perr(pP, azField[k], "must be a share greater than 0 and at most 1");
          }else if( k>0 && p->aServiceCap[k]>p->aServiceCap[k-1] ){
            perr(pP, azField[k], "must not be greater than the cap of rank %d", k);
          }
        }
      }
    }
    pathPop(pP, n0);
  }

  /* survey */
  p->surveyPriorWeight = 20;
  pV = json_object_get(pRoot, "survey");
  if( pV ){
    static const char *const azField[] = { "prior_weight", 0 };
    n0 = pathPush(pP, "survey", 0);
    if( !json_is_object(pV) ){
      perr(pP, "", "must be an object {\"prior_weight\":..}");
    }else{
      checkKnown(pP, pV, azField);
      if( getNum(pP, pV, "prior_weight", 0, &v) ){
        if( v<0 ) perr(pP, "prior_weight", "must not be negative");
        else p->surveyPriorWeight = v;
      }
    }
    pathPop(pP, n0);
  }
}

/* Hex SHA-256 of z into zOut[65]. */
static void sha256Hex(const char *z, char zOut[65]){
  unsigned char a[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(a, (const unsigned char *)z, strlen(z));
  sodium_bin2hex(zOut, 65, a, sizeof a);
}

int scheme_parse(const char *zJson, size_t n, Scheme *p, char **pzErr){
  Parse ps;
  json_error_t jerr;
  json_t *pRoot;
  memset(&ps, 0, sizeof ps);
  memset(p, 0, sizeof *p);
  *pzErr = 0;
  pRoot = json_loadb(zJson, n, JSON_REJECT_DUPLICATES, &jerr);
  if( pRoot==0 ){
    *pzErr = xsprintf("line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
    return 1;
  }
  parseScheme(&ps, pRoot, p);
  json_decref(pRoot);
  if( ps.nErr ){
    if( ps.nErr>MAX_ERRORS ) buf_printf(&ps.err, "\n(%d more errors)", ps.nErr - MAX_ERRORS);
    *pzErr = buf_take(&ps.err);
    scheme_clear(p);
    return ps.nErr;
  }
  buf_free(&ps.err);
  {
    char *zCanon = scheme_canonical(p);
    sha256Hex(zCanon, p->zHash);
    free(zCanon);
  }
  return 0;
}

int scheme_load_file(const char *zPath, Scheme *p, char **pzErr){
  FILE *pIn = fopen(zPath, "rb");
  Buf b = {0};
  char a[8192];
  size_t n;
  int rc;
  memset(p, 0, sizeof *p);
  if( pIn==0 ){ *pzErr = xsprintf("%s: cannot open", zPath); return 1; }
  while( (n = fread(a, 1, sizeof a, pIn))>0 ){
    buf_append(&b, a, n);
    if( b.n>4*1024*1024 ){
      fclose(pIn);
      buf_free(&b);
      *pzErr = xsprintf("%s: larger than 4 MB; not a scheme", zPath);
      return 1;
    }
  }
  fclose(pIn);
  rc = scheme_parse(buf_str(&b), b.n, p, pzErr);
  buf_free(&b);
  return rc;
}

char *scheme_canonical(const Scheme *p){
  json_t *pRoot = json_object(), *pA = json_array(), *pO;
  char *z;
  int i, k;
  json_object_set_new(pRoot, "format", json_integer(1));
  json_object_set_new(pRoot, "name", json_string(p->zName ? p->zName : ""));
  json_object_set_new(pRoot, "note", json_string(p->zNote ? p->zNote : ""));
  json_object_set_new(pRoot, "assumption", json_boolean(p->bAssumption));
  for(i=0; i<p->nInd; i++){
    const Indicator *pI = &p->aInd[i];
    json_t *pX = json_object();
    json_object_set_new(pX, "key", json_string(pI->zKey));
    json_object_set_new(pX, "label", json_string(pI->zLabel));
    json_object_set_new(pX, "help", json_string(pI->zHelp));
    json_object_set_new(pX, "unit", json_string(pI->zUnit));
    json_object_set_new(pX, "source", json_string(azSource[pI->source]));
    json_object_set_new(pX, "kind", json_string(azKind[pI->kind]));
    json_object_set_new(pX, "document", json_string(azDoc[pI->doc]));
    if( pI->source==SRC_ROSTER ) json_object_set_new(pX, "roster", json_string(azRoster[pI->roster]));
    if( pI->kind==KIND_NUMBER || pI->kind==KIND_COUNT ){
      json_object_set_new(pX, "min", pI->bHasMin ? json_real(pI->min) : json_null());
      json_object_set_new(pX, "max", pI->bHasMax ? json_real(pI->max) : json_null());
    }
    switch( pI->kind ){
      case KIND_NUMBER: {
        json_t *pB = json_array();
        json_object_set_new(pX, "integer", json_boolean(pI->bInteger));
        for(k=0; k<pI->nBand; k++){
          json_array_append_new(pB, json_pack("{s:f s:o s:f}",
            "min", pI->aBand[k].min,
            "max", pI->aBand[k].bOpen ? json_null() : json_real(pI->aBand[k].max),
            "points", pI->aBand[k].points));
        }
        json_object_set_new(pX, "bands", pB);
        break;
      }
      case KIND_COUNT:
        json_object_set_new(pX, "points_each", json_real(pI->pointsEach));
        json_object_set_new(pX, "cap", json_real(pI->cap));
        break;
      case KIND_CHOICE: {
        json_t *pC = json_array();
        for(k=0; k<pI->nChoice; k++){
          json_array_append_new(pC, json_pack("{s:s s:s s:f}",
            "value", pI->aChoice[k].zValue, "label", pI->aChoice[k].zLabel,
            "points", pI->aChoice[k].points));
        }
        json_object_set_new(pX, "options", pC);
        break;
      }
      default:
        json_object_set_new(pX, "yes_points", json_real(pI->yesPoints));
        json_object_set_new(pX, "no_points", json_real(pI->noPoints));
        break;
    }
    json_array_append_new(pA, pX);
  }
  json_object_set_new(pRoot, "indicators", pA);
  pA = json_array();
  for(i=0; i<p->nPen; i++){
    json_array_append_new(pA, json_pack("{s:s s:s s:f s:b}",
      "kind", p->aPen[i].zKind, "label", p->aPen[i].zLabel,
      "points", p->aPen[i].points, "revokes", p->aPen[i].bRevokes));
  }
  json_object_set_new(pRoot, "penalties", pA);
  pO = json_object();
  for(i=0; i<p->nThr; i++){
    json_object_set_new(pO, p->aThr[i].zType, json_pack("{s:f s:f}",
      "rank1", p->aThr[i].rank1, "rank2", p->aThr[i].rank2));
  }
  json_object_set_new(pRoot, "thresholds", pO);
  json_object_set_new(pRoot, "non_participant", json_pack("{s:f s:i}",
    "score", p->nonParticipantScore, "rank", p->nonParticipantRank));
  json_object_set_new(pRoot, "objection_days", json_integer(p->objectionDays));
  json_object_set_new(pRoot, "service_caps", json_pack("{s:f s:f s:f}",
    "1", p->aServiceCap[0], "2", p->aServiceCap[1], "3", p->aServiceCap[2]));
  json_object_set_new(pRoot, "survey", json_pack("{s:f}", "prior_weight", p->surveyPriorWeight));
  z = json_dumps(pRoot, JSON_COMPACT|JSON_SORT_KEYS|JSON_REAL_PRECISION(17));
  json_decref(pRoot);
  if( z==0 ) abort();
  return z;
}

const Indicator *scheme_indicator(const Scheme *p, const char *zKey){
  int i;
  for(i=0; zKey && i<p->nInd; i++){
    if( strcmp(p->aInd[i].zKey, zKey)==0 ) return &p->aInd[i];
  }
  return 0;
}

const Penalty *scheme_penalty(const Scheme *p, const char *zKind){
  int i;
  for(i=0; zKind && i<p->nPen; i++){
    if( strcmp(p->aPen[i].zKind, zKind)==0 ) return &p->aPen[i];
  }
  return 0;
}

int scheme_choice_index(const Indicator *pI, const char *zValue){
  int i;
  for(i=0; zValue && i<pI->nChoice; i++){
    if( strcmp(pI->aChoice[i].zValue, zValue)==0 ) return i;
  }
  return -1;
}

double scheme_points(const Indicator *pI, const IndValue *pV){
  int i;
  double x;
  if( pV==0 || !pV->bSet ) return 0;
  switch( pI->kind ){
    case KIND_NUMBER:
      for(i=pI->nBand-1; i>=0; i--){
        const Band *b = &pI->aBand[i];
        if( pV->v>=b->min && (b->bOpen || pV->v<b->max) ) return b->points;
      }
      return 0;
    case KIND_COUNT:
      x = floor(pV->v)*pI->pointsEach;
      if( x<0 ) x = 0;
      return x>pI->cap ? pI->cap : x;
    case KIND_CHOICE:
      if( pV->iChoice<0 || pV->iChoice>=pI->nChoice ) return 0;
      return pI->aChoice[pV->iChoice].points;
    default:
      return pV->v!=0 ? pI->yesPoints : pI->noPoints;
  }
}

int scheme_rank(const Scheme *p, const char *zType, double score){
  int i;
  for(i=0; zType && i<p->nThr; i++){
    if( strcmp(p->aThr[i].zType, zType)==0 ){
      return score>=p->aThr[i].rank1 ? 1 : score>=p->aThr[i].rank2 ? 2 : 3;
    }
  }
  return 0;
}
