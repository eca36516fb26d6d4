/*
** test_allocate.c — unit tests for src/domain/allocate.c, the pure
** distribution of services by rank.
**
** Each case is a small nation written as tables (services, offices), run
** through allocate_run(), and rendered as one line per office:
**   "CODE r<rank> <granted>/<cap>/<available>: svc(p1) svc(cov) | -svc(why)"
** plus one line per gap "gap PROVINCE/CITY svc why".
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "domain/allocate.h"

typedef struct TSvc {
  const char *zCode;
  int channel;            /* 0 = both */
  int minRank;
  const char *zFacility;
  const char *zAreas;     /* NULL = everywhere; "P1 P2/city ..." */
} TSvc;

typedef struct TOff {
  const char *zCode, *zProv, *zCity;
  int type;               /* ALLOC_URBAN / ALLOC_RURAL; 0 = urban */
  int rank;
  double score;
  const char *zFacility;  /* NULL or one facility */
  const char *zPrefs;     /* service codes separated by spaces */
} TOff;

/* Everything built from the tables, owned here. */
typedef struct Nation {
  AllocService *aSvc; int nSvc;
  AllocOffice *aOff; int nOff;
  AllocArea **apArea;     /* per service */
  int **apPref;           /* per office */
  char **azWord; int nWord;
  const char **azFac;     /* per office, one slot */
  AllocInput in;
} Nation;

static char *word(Nation *p, const char *z, size_t n){
  char *zW = xstrndup(z, n);
  p->azWord = xrealloc(p->azWord, sizeof(char *)*(size_t)(p->nWord+1));
  p->azWord[p->nWord++] = zW;
  return zW;
}

/* Split z on spaces into words; returns the count, fills *paz (heap). */
static int split(Nation *p, const char *z, char ***paz){
  int n = 0;
  *paz = 0;
  while( z && *z ){
    const char *zEnd;
    while( *z==' ' ) z++;
    if( *z==0 ) break;
    zEnd = strchr(z, ' ');
    if( zEnd==0 ) zEnd = z + strlen(z);
    *paz = xrealloc(*paz, sizeof(char *)*(size_t)(n+1));
    (*paz)[n++] = word(p, z, (size_t)(zEnd - z));
    z = zEnd;
  }
  return n;
}

static int svcIndex(const Nation *p, const char *z){
  int i;
  for(i=0; i<p->nSvc; i++) if( strcmp(p->aSvc[i].zCode, z)==0 ) return i;
  fail_msg("unknown service %s in preferences", z);
  return -1;
}

static void build(Nation *p, const TSvc *aS, int nS, const TOff *aO, int nO){
  int i, k;
  memset(p, 0, sizeof *p);
  p->nSvc = nS;
  p->nOff = nO;
  p->aSvc = xcalloc((size_t)nS+1, sizeof(AllocService));
  p->aOff = xcalloc((size_t)nO+1, sizeof(AllocOffice));
  p->apArea = xcalloc((size_t)nS+1, sizeof(AllocArea *));
  p->apPref = xcalloc((size_t)nO+1, sizeof(int *));
  p->azFac = xcalloc((size_t)nO+1, sizeof(char *));
  for(i=0; i<nS; i++){
    AllocService *pS = &p->aSvc[i];
    pS->zCode = aS[i].zCode;
    pS->channel = aS[i].channel ? aS[i].channel : ALLOC_BOTH;
    pS->minRank = aS[i].minRank;
    pS->zFacility = aS[i].zFacility;
    if( aS[i].zAreas==0 ){
      pS->bEverywhere = 1;
    }else{
      char **az;
      int n = split(p, aS[i].zAreas, &az);
      p->apArea[i] = xcalloc((size_t)n+1, sizeof(AllocArea));
      for(k=0; k<n; k++){
        char *zSlash = strchr(az[k], '/');
        if( zSlash ){ *zSlash = 0; p->apArea[i][k].zCity = zSlash+1; }
        p->apArea[i][k].zProvince = az[k];
      }
      free(az);
      pS->aArea = p->apArea[i];
      pS->nArea = n;
    }
  }
  for(i=0; i<nO; i++){
    AllocOffice *pO = &p->aOff[i];
    char **az;
    int n = split(p, aO[i].zPrefs, &az);
    pO->zCode = aO[i].zCode;
    pO->zProvince = aO[i].zProv;
    pO->zCity = aO[i].zCity;
    pO->type = aO[i].type ? aO[i].type : ALLOC_URBAN;
    pO->rank = aO[i].rank;
    pO->score = aO[i].score;
    if( aO[i].zFacility ){
      p->azFac[i] = aO[i].zFacility;
      pO->azFacility = &p->azFac[i];
      pO->nFacility = 1;
    }
    p->apPref[i] = xcalloc((size_t)n+1, sizeof(int));
    for(k=0; k<n; k++) p->apPref[i][k] = svcIndex(p, az[k]);
    free(az);
    pO->aPref = p->apPref[i];
    pO->nPref = n;
  }
  p->in.aService = p->aSvc; p->in.nService = nS;
  p->in.aOffice = p->aOff; p->in.nOffice = nO;
  p->in.aCap[0] = 1.0; p->in.aCap[1] = 0.7; p->in.aCap[2] = 0.3;
}

static void destroy(Nation *p){
  int i;
  for(i=0; i<p->nSvc; i++) free(p->apArea[i]);
  for(i=0; i<p->nOff; i++) free(p->apPref[i]);
  for(i=0; i<p->nWord; i++) free(p->azWord[i]);
  free(p->apArea); free(p->apPref); free(p->azWord); free(p->azFac);
  free(p->aSvc); free(p->aOff);
}

static const char *whyCode(AllocWhy e){
  switch( e ){
    case ALLOC_NOT_AVAILABLE:  return "na";
    case ALLOC_BELOW_MIN_RANK: return "min";
    case ALLOC_CAP_REACHED:    return "cap";
    case ALLOC_UNRANKED:       return "unranked";
    case ALLOC_DUPLICATE:      return "dup";
  }
  return "?";
}
static const char *gapCode(AllocGapWhy e){
  switch( e ){
    case ALLOC_GAP_NO_OFFICE: return "no-office";
    case ALLOC_GAP_MIN_RANK:  return "min-rank";
    case ALLOC_GAP_NO_ROOM:   return "no-room";
  }
  return "?";
}

/* Render a result in office-code order (the result's own order). */
static char *render(const AllocInput *pIn, const AllocResult *pR){
  Buf b = {0};
  int g = 0, s = 0, i, k;
  int *aOrder = xmalloc(sizeof(int)*(size_t)(pIn->nOffice+1));
  /* offices by code: insertion sort is plenty here */
  for(i=0; i<pIn->nOffice; i++){
    for(k=i; k>0 && strcmp(pIn->aOffice[aOrder[k-1]].zCode, pIn->aOffice[i].zCode)>0; k--){
      aOrder[k] = aOrder[k-1];
    }
    aOrder[k] = i;
  }
  for(i=0; i<pIn->nOffice; i++){
    int iO = aOrder[i];
    const AllocOfficeOut *pO = &pR->aOffice[iO];
    buf_printf(&b, "%s r%d %d/%d/%d:", pIn->aOffice[iO].zCode, pIn->aOffice[iO].rank,
               pO->nGranted, pO->cap, pO->nAvailable);
    for(; g<pR->nGrant && pR->aGrant[g].iOffice==iO; g++){
      const AllocGrant *pG = &pR->aGrant[g];
      if( pG->eKind==ALLOC_PREFERENCE ){
        buf_printf(&b, " %s(p%d)", pIn->aService[pG->iService].zCode, pG->iPref);
      }else{
        buf_printf(&b, " %s(cov)", pIn->aService[pG->iService].zCode);
      }
    }
    for(k=0; s<pR->nSkip && pR->aSkip[s].iOffice==iO; s++, k++){
      buf_printf(&b, "%s-%s(%s)", k==0 ? " | " : " ",
                 pIn->aService[pR->aSkip[s].iService].zCode, whyCode(pR->aSkip[s].eWhy));
    }
    buf_putc(&b, '\n');
  }
  assert_int_equal(g, pR->nGrant);   /* grants are grouped by office code */
  assert_int_equal(s, pR->nSkip);
  for(i=0; i<pR->nGap; i++){
    buf_printf(&b, "gap %s/%s %s %s\n", pR->aGap[i].zProvince, pR->aGap[i].zCity,
               pIn->aService[pR->aGap[i].iService].zCode, gapCode(pR->aGap[i].eWhy));
  }
  free(aOrder);
  return buf_take(&b);
}

/* Build, run, render, compare with zWant. */
static void check(const TSvc *aS, int nS, const TOff *aO, int nO, const char *zWant){
  Nation n;
  AllocResult res;
  char *zGot;
  build(&n, aS, nS, aO, nO);
  assert_int_equal(allocate_run(&n.in, &res), 0);
  zGot = render(&n.in, &res);
  if( strcmp(zGot, zWant)!=0 ){
    print_message("got:\n%s\nwant:\n%s\n", zGot, zWant);
  }
  assert_string_equal(zGot, zWant);
  free(zGot);
  allocate_free(&res);
  destroy(&n);
}

#define N(a) ((int)(sizeof(a)/sizeof((a)[0])))

/* Ten services available everywhere: s0..s9. */
static const TSvc aTen[] = {
  {"s0",0,0,0,0}, {"s1",0,0,0,0}, {"s2",0,0,0,0}, {"s3",0,0,0,0}, {"s4",0,0,0,0},
  {"s5",0,0,0,0}, {"s6",0,0,0,0}, {"s7",0,0,0,0}, {"s8",0,0,0,0}, {"s9",0,0,0,0},
};
#define ALL10 "s0 s1 s2 s3 s4 s5 s6 s7 s8 s9"

/* Caps: rank 1 all of S, rank 2 70 %, rank 3 30 %, each alone in its city
** (what the cap leaves out stays uncovered there: no room). */
static void test_caps_per_rank(void **state){
  const TOff aO[] = {
    {"A1","P","a",0,1,90,0,ALL10},
    {"A2","P","b",0,2,60,0,ALL10},
    {"A3","P","c",0,3,20,0,ALL10},
  };
  (void)state;
  check(aTen, N(aTen), aO, N(aO),
    "A1 r1 10/10/10: s0(p1) s1(p2) s2(p3) s3(p4) s4(p5) s5(p6) s6(p7) s7(p8) s8(p9) s9(p10)\n"
    "A2 r2 7/7/10: s0(p1) s1(p2) s2(p3) s3(p4) s4(p5) s5(p6) s6(p7) | -s7(cap) -s8(cap) -s9(cap)\n"
    "A3 r3 3/3/10: s0(p1) s1(p2) s2(p3) | -s3(cap) -s4(cap) -s5(cap) -s6(cap) -s7(cap) -s8(cap) -s9(cap)\n"
    "gap P/b s7 no-room\ngap P/b s8 no-room\ngap P/b s9 no-room\n"
    "gap P/c s3 no-room\ngap P/c s4 no-room\ngap P/c s5 no-room\ngap P/c s6 no-room\n"
    "gap P/c s7 no-room\ngap P/c s8 no-room\ngap P/c s9 no-room\n");
}

/* Small S: floor(0.3 x 3) = 0 and floor(0.7 x 1) = 0 — such offices get nothing. */
static void test_small_caps(void **state){
  const TSvc aS[] = { {"a",0,0,0,0}, {"b",0,0,0,"P/x"}, {"c",0,0,0,"P/x"} };
  const TOff aO[] = {
    {"X3","P","x",0,3,10,0,"a b"},
    {"Y2","P","y",0,2,55,0,"a"},
  };
  (void)state;
  check(aS, N(aS), aO, N(aO),
    "X3 r3 0/0/3: | -a(cap) -b(cap)\n"
    "Y2 r2 0/0/1: | -a(cap)\n"
    "gap P/x a no-room\ngap P/x b no-room\ngap P/x c no-room\ngap P/y a no-room\n");
}

/* Cap arithmetic is exact for whole percentages despite binary fractions. */
static void test_cap_arithmetic(void **state){
  AllocOffice o;
  AllocInput in;
  int n, r;
  (void)state;
  memset(&o, 0, sizeof o);
  memset(&in, 0, sizeof in);
  in.aOffice = &o; in.nOffice = 1;
  in.aCap[0] = 1.0; in.aCap[1] = 0.7; in.aCap[2] = 0.3;
  for(n=0; n<=500; n++){
    for(r=1; r<=3; r++){
      int want = r==1 ? n : r==2 ? n*7/10 : n*3/10;
      o.rank = r;
      assert_int_equal(allocate_cap(&in, 0, n), want);
    }
    o.rank = 0;
    assert_int_equal(allocate_cap(&in, 0, n), 0);
  }
}

/* Preferences are taken in the office's order, not the catalogue's. */
static void test_preference_order(void **state){
  const TOff aO[] = {
    {"B2","P","a",0,2,60,0,"s9 s3 s7 s1 s0 s8 s2 s5 s4 s6"},
    {"C1","P","a",0,1,80,0,"s4 s6"},
  };
  (void)state;
  check(aTen, N(aTen), aO, N(aO),
    "B2 r2 7/7/10: s9(p1) s3(p2) s7(p3) s1(p4) s0(p5) s8(p6) s2(p7) | -s5(cap) -s4(cap) -s6(cap)\n"
    "C1 r1 3/10/10: s4(p1) s6(p2) s5(cov)\n");
}

/* Minimum ranks: a rank 2 office skips a rank-1-only service and takes the
** next preference; a rank-2 minimum admits ranks 1 and 2 only. */
static void test_min_rank(void **state){
  const TSvc aS[] = {
    {"gold",0,1,0,0}, {"silver",0,2,0,0}, {"x",0,0,0,0}, {"y",0,0,0,0},
    {"z",0,0,0,0}, {"w",0,0,0,0}, {"v",0,0,0,0}, {"u",0,0,0,0}, {"t",0,0,0,0}, {"s",0,0,0,0},
  };
  const TOff aO[] = {
    {"M2","P","m",0,2,60,0,"gold silver x"},
    {"M3","P","n",0,3,40,0,"gold silver x y"},
  };
  (void)state;
  check(aS, N(aS), aO, N(aO),
    "M2 r2 7/7/10: silver(p2) x(p3) s(cov) t(cov) u(cov) v(cov) w(cov) | -gold(min)\n"
    "M3 r3 3/3/10: x(p3) y(p4) s(cov) | -gold(min) -silver(min)\n"
    "gap P/m gold min-rank\ngap P/m y no-room\ngap P/m z no-room\n"
    "gap P/n gold min-rank\ngap P/n silver min-rank\ngap P/n t no-room\n"
    "gap P/n u no-room\ngap P/n v no-room\ngap P/n w no-room\ngap P/n z no-room\n");
}

/* Coverage goes to the best rank, then the higher score, then the smaller
** code; an office at its cap is passed over; a service someone in the
** locality already offers is not granted again. */
static void test_coverage_ties(void **state){
  const TSvc aS[] = {
    {"a",0,0,0,0}, {"b",0,0,0,0}, {"c",0,0,0,0}, {"d",0,0,0,0}, {"e",0,0,0,0},
    {"f",0,0,0,0}, {"g",0,0,0,0}, {"h",0,0,0,0}, {"i",0,0,0,0}, {"j",0,0,0,0},
  };
  const TOff aO[] = {
    {"K2","P","k",0,2,69,0,""},           /* rank 2: after every rank 1 */
    {"K1b","P","k",0,1,80,0,""},          /* same rank and score as K1a: code decides */
    {"K1a","P","k",0,1,80,0,""},
    {"K1c","P","k",0,1,75,0,"a b c d e f g h"},  /* lower score */
    {"L1","P","l",0,1,90,0,"a b c d e f g h i j"},
    {"L2","P","l",0,2,50,0,""},
  };
  (void)state;
  check(aS, N(aS), aO, N(aO),
    "K1a r1 2/10/10: i(cov) j(cov)\n"
    "K1b r1 0/10/10:\n"
    "K1c r1 8/10/10: a(p1) b(p2) c(p3) d(p4) e(p5) f(p6) g(p7) h(p8)\n"
    "K2 r2 0/7/10:\n"
    "L1 r1 10/10/10: a(p1) b(p2) c(p3) d(p4) e(p5) f(p6) g(p7) h(p8) i(p9) j(p10)\n"
    "L2 r2 0/7/10:\n");
}

/* When every rank 1 office is full, coverage falls to rank 2 with room. */
static void test_coverage_falls_to_room(void **state){
  const TSvc aS[] = { {"a",0,0,0,0}, {"b",0,0,0,0}, {"c",0,0,0,0} };
  const TOff aO[] = {
    {"F1","P","f",0,1,99,0,"a b c"},   /* full: 3 of 3 */
    {"F2","P","f",0,2,60,0,""},        /* cap floor(2.1) = 2, but all covered */
    {"G1","P","g",0,1,70,0,"a"},
    {"G3","P","g",0,3,30,0,""},        /* cap 0 */
  };
  (void)state;
  check(aS, N(aS), aO, N(aO),
    "F1 r1 3/3/3: a(p1) b(p2) c(p3)\n"
    "F2 r2 0/2/3:\n"
    "G1 r1 3/3/3: a(p1) b(cov) c(cov)\n"
    "G3 r3 0/0/3:\n");
}

/* Unranked offices (revoked, suspended, no result) get nothing and cover
** nothing; a locality with only unranked offices is a gap. */
static void test_unranked(void **state){
  const TSvc aS[] = { {"a",0,0,0,0}, {"b",0,0,0,0} };
  const TOff aO[] = {
    {"R0","P","r",0,0,0,0,"a b"},
    {"S0","P","s",0,0,0,0,""},
    {"S1","P","s",0,1,80,0,""},
  };
  (void)state;
  check(aS, N(aS), aO, N(aO),
    "R0 r0 0/0/2: | -a(unranked) -b(unranked)\n"
    "S0 r0 0/0/2:\n"
    "S1 r1 2/2/2: a(cov) b(cov)\n"
    "gap P/r a no-office\ngap P/r b no-office\n");
}

/* Channels, facilities and availability by province and by locality. */
static void test_channel_facility_area(void **state){
  const TSvc aS[] = {
    {"urb",ALLOC_URBAN,0,0,0},
    {"rur",ALLOC_RURAL,0,0,0},
    {"booth",0,0,"booth",0},
    {"east",0,0,0,"E"},
    {"town",0,0,0,"W/t W/nowhere"},
  };
  const TOff aO[] = {
    {"U1","W","t",ALLOC_URBAN,1,80,"booth","rur urb booth east town"},
    {"U2","W","u",ALLOC_URBAN,1,80,0,"booth"},
    {"V1","W","t",ALLOC_RURAL,1,80,0,"urb rur town"},
    {"E1","E","e",ALLOC_RURAL,1,80,0,""},
  };
  (void)state;
  check(aS, N(aS), aO, N(aO),
    "E1 r1 2/2/2: east(cov) rur(cov)\n"
    "U1 r1 3/3/3: urb(p2) booth(p3) town(p5) | -rur(na) -east(na)\n"
    "U2 r1 1/1/1: urb(cov) | -booth(na)\n"
    "V1 r1 2/2/2: rur(p2) town(p3) | -urb(na)\n"
    "gap E/e booth no-office\ngap W/nowhere town no-office\ngap W/u booth no-office\n");
}

/* Duplicates in a preference list count once. */
static void test_duplicate_preference(void **state){
  const TSvc aS[] = { {"a",0,0,0,0}, {"b",0,0,0,0} };
  const TOff aO[] = { {"D1","P","d",0,1,80,0,"a a b"} };
  (void)state;
  check(aS, N(aS), aO, N(aO), "D1 r1 2/2/2: a(p1) b(p3) | -a(dup)\n");
}

/* Reasons carry the position, the cap and |S|, or the locality. */
static void test_reasons(void **state){
  Nation n;
  AllocResult res;
  const TOff aO[] = {
    {"A2","P","Shiraz",0,2,60,0,"s5 s2 s9"},
    {"Z1","P","Shiraz",0,1,80,0,""},
  };
  int i;
  (void)state;
  build(&n, aTen, N(aTen), aO, N(aO));
  assert_int_equal(allocate_run(&n.in, &res), 0);
  assert_true(res.nGrant==10);
  assert_string_equal(res.aGrant[0].zReason, "preference 1, within cap 7 of 10");
  assert_string_equal(res.aGrant[2].zReason, "preference 3, within cap 7 of 10");
  for(i=3; i<res.nGrant; i++){
    assert_int_equal(res.aGrant[i].eKind, ALLOC_COVERAGE);
    assert_string_equal(res.aGrant[i].zReason, "coverage of Shiraz");
  }
  allocate_free(&res);
  destroy(&n);
}

/* The same problem in any order gives the same grants and the same hash;
** a changed rank changes the hash. */
static void test_determinism(void **state){
  const TSvc aS[] = {
    {"a",0,0,0,0}, {"b",0,2,0,0}, {"c",0,0,"booth",0}, {"d",0,0,0,"P Q/q"},
    {"e",ALLOC_RURAL,0,0,0}, {"f",0,1,0,0},
  };
  TSvc aSr[N(aS)];
  TOff aO[] = {
    {"O1","P","x",0,1,81,"booth","f e d c b a"},
    {"O2","P","x",0,2,61,0,"a b"},
    {"O3","P","x",0,1,81,0,"b"},
    {"O4","Q","q",ALLOC_RURAL,3,31,0,"e d"},
    {"O5","Q","q",0,2,51,0,"d"},
    {"O6","P","y",0,0,0,0,"a"},
  };
  TOff aOr[N(aO)];
  Nation n1, n2;
  AllocResult r1, r2;
  char *z1, *z2, zH1[65], zH2[65], zH3[65];
  int i;
  (void)state;
  for(i=0; i<N(aS); i++) aSr[i] = aS[N(aS)-1-i];
  for(i=0; i<N(aO); i++) aOr[i] = aO[(i*5+3)%N(aO)];
  build(&n1, aS, N(aS), aO, N(aO));
  build(&n2, aSr, N(aSr), aOr, N(aOr));
  assert_int_equal(allocate_run(&n1.in, &r1), 0);
  assert_int_equal(allocate_run(&n2.in, &r2), 0);
  z1 = render(&n1.in, &r1);
  z2 = render(&n2.in, &r2);
  assert_string_equal(z1, z2);
  for(i=0; i<r1.nGrant; i++){
    assert_string_equal(r1.aGrant[i].zReason, r2.aGrant[i].zReason);
    assert_string_equal(n1.in.aOffice[r1.aGrant[i].iOffice].zCode,
                        n2.in.aOffice[r2.aGrant[i].iOffice].zCode);
  }
  allocate_hash(&n1.in, zH1);
  allocate_hash(&n2.in, zH2);
  assert_string_equal(zH1, zH2);
  assert_int_equal(strlen(zH1), 64);
  free(z2);
  allocate_free(&r2);
  /* again: byte-identical */
  assert_int_equal(allocate_run(&n1.in, &r2), 0);
  z2 = render(&n1.in, &r2);
  assert_string_equal(z1, z2);
  n1.aOff[1].rank = 1;
  allocate_hash(&n1.in, zH3);
  assert_string_not_equal(zH1, zH3);
  free(z1); free(z2);
  allocate_free(&r1); allocate_free(&r2);
  destroy(&n1); destroy(&n2);
}

/* Input that breaks the rules is refused with an empty result. */
static void test_bad_input(void **state){
  const TSvc aS[] = { {"a",0,0,0,0} };
  const TOff aDup[] = { {"X","P","x",0,1,1,0,""}, {"X","P","y",0,1,1,0,""} };
  const TOff aOne[] = { {"X","P","x",0,1,1,0,"a"} };
  Nation n;
  AllocResult res;
  (void)state;
  build(&n, aS, N(aS), aDup, N(aDup));
  assert_int_equal(allocate_run(&n.in, &res), ALLOC_EBADINPUT);
  assert_int_equal(res.nGrant, 0);
  allocate_free(&res);
  destroy(&n);
  build(&n, aS, N(aS), aOne, N(aOne));
  n.aOff[0].rank = 4;
  assert_int_equal(allocate_run(&n.in, &res), ALLOC_EBADINPUT);
  n.aOff[0].rank = 1;
  n.apPref[0][0] = 7;
  assert_int_equal(allocate_run(&n.in, &res), ALLOC_EBADINPUT);
  n.apPref[0][0] = 0;
  n.in.aCap[2] = 1.5;
  assert_int_equal(allocate_run(&n.in, &res), ALLOC_EBADINPUT);
  n.in.aCap[2] = 0.3;
  assert_int_equal(allocate_run(&n.in, &res), 0);
  assert_int_equal(res.nGrant, 1);
  allocate_free(&res);
  destroy(&n);
}

/* An empty nation is fine. */
static void test_empty(void **state){
  AllocInput in;
  AllocResult res;
  char zH[65];
  (void)state;
  memset(&in, 0, sizeof in);
  in.aCap[0] = 1; in.aCap[1] = 0.7; in.aCap[2] = 0.3;
  assert_int_equal(allocate_run(&in, &res), 0);
  assert_int_equal(res.nGrant + res.nSkip + res.nGap, 0);
  allocate_free(&res);
  allocate_hash(&in, zH);
  assert_int_equal(strlen(zH), 64);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_caps_per_rank),
    cmocka_unit_test(test_small_caps),
    cmocka_unit_test(test_cap_arithmetic),
    cmocka_unit_test(test_preference_order),
    cmocka_unit_test(test_min_rank),
    cmocka_unit_test(test_coverage_ties),
    cmocka_unit_test(test_coverage_falls_to_room),
    cmocka_unit_test(test_unranked),
    cmocka_unit_test(test_channel_facility_area),
    cmocka_unit_test(test_duplicate_preference),
    cmocka_unit_test(test_reasons),
    cmocka_unit_test(test_determinism),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_empty),
  };
  return cmocka_run_group_tests(aTest, 0, 0);
}
