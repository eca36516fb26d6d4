/*
** demo_services.c — the demo nation's agencies and services (the catalogue
** of ../shared/reference/services.md), the demo agency login (Iran Post),
** civil-registration booths, office preferences, and, when a period has
** published ranks, its allocation.
**
** Deterministic: every choice is drawn from the Demo PRNG in a fixed
** order (provinces and offices by code).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/demo.h"
#include "domain/agency.h"
#include "domain/user.h"
#include "store/db.h"

typedef struct DemoAgency { const char *zCode, *zName; } DemoAgency;

static const DemoAgency aDemoAgency[] = {
  { "nocr",         "سازمان ثبت احوال کشور" },
  { "ihio",         "سازمان بیمه سلامت ایران" },
  { "post",         "شرکت ملی پست" },
  { "postbank",     "پست بانک ایران" },
  { "tci",          "شرکت مخابرات ایران" },
  { "utilities",    "شرکت‌های آب و فاضلاب، برق و گاز" },
  { "mrud",         "وزارت راه و شهرسازی" },
  { "welfare",      "وزارت تعاون، کار و رفاه اجتماعی" },
  { "rsif",         "صندوق بیمه اجتماعی کشاورزان، روستاییان و عشایر" },
  { "sso",          "سازمان تامین اجتماعی" },
  { "agri",         "وزارت جهاد کشاورزی" },
  { "tax",          "سازمان امور مالیاتی" },
  { "municipality", "شهرداری‌ها" },
  { "education",    "آموزش و پرورش و سازمان سنجش" },
};

/* Area groups: services of one group share the provinces they reach. */
enum { G_ALL = 0, G_WATER, G_POWER, G_GAS, G_HOUSING, G_CITY, G_COUNT };
/* Share of provinces each group reaches (G_ALL: every locality). */
static const double aGroupShare[G_COUNT] = { 1.0, 0.6, 0.85, 0.5, 0.4, 0.7 };

typedef struct DemoService {
  const char *zCode, *zAgency, *zName;
  char cChannel;              /* 'U', 'R', 'B' */
  int minRank;
  int bBooth;                 /* needs the civil-registration booth */
  int iGroup;
} DemoService;

static const DemoService aDemoService[] = {
  { "nocr.smart_id",        "nocr", "ثبت‌نام کارت هوشمند ملی",            'B', 2, 1, G_ALL },
  { "nocr.id_duplicate",    "nocr", "کارت ملی المثنی",                     'B', 0, 1, G_ALL },
  { "nocr.id_delivery",     "nocr", "تحویل کارت هوشمند ملی",               'B', 0, 1, G_ALL },
  { "nocr.id_replace",      "nocr", "تعویض کارت ملی",                      'B', 0, 1, G_ALL },
  { "nocr.esign",           "nocr", "فعال‌سازی امضای الکترونیک",            'B', 1, 1, G_ALL },
  { "nocr.bc_duplicate",    "nocr", "فرم اظهارنامه شناسنامه المثنی",        'B', 0, 1, G_ALL },
  { "nocr.bc_replace",      "nocr", "تعویض شناسنامه",                      'B', 0, 1, G_ALL },
  { "nocr.certificate",     "nocr", "صدور گواهی",                          'B', 0, 1, G_ALL },
  { "ihio.booklet",         "ihio", "صدور و تحویل دفترچه بیمه سلامت",      'B', 0, 0, G_ALL },
  { "ihio.renew",           "ihio", "تمدید دفترچه بیمه سلامت",             'B', 0, 0, G_ALL },
  { "ihio.replace",         "ihio", "تعویض دفترچه بیمه سلامت",             'B', 0, 0, G_ALL },
  { "ihio.duplicate",       "ihio", "المثنی دفترچه بیمه سلامت",            'B', 0, 0, G_ALL },
  { "ihio.cancel",          "ihio", "ابطال دفترچه بیمه سلامت",             'B', 0, 0, G_ALL },
  { "ihio.rural_booklet",   "ihio", "دفترچه بیمه روستاییان",               'R', 0, 0, G_ALL },
  { "post.parcel",          "post", "قبول مرسولات تا ۱۰ کیلوگرم",          'B', 0, 0, G_ALL },
  { "post.international",   "post", "مراسلات خارجه",                       'B', 2, 0, G_ALL },
  { "post.stamps",          "post", "فروش تمبر",                           'B', 0, 0, G_ALL },
  { "post.contract",        "post", "خدمات پستی قراردادی",                 'B', 2, 0, G_ALL },
  { "post.box",             "post", "تخلیه صندوق و تحویل مراسلات",         'R', 0, 0, G_ALL },
  { "postbank.bills",       "postbank", "دریافت قبوض",                     'B', 0, 0, G_ALL },
  { "postbank.cash",        "postbank", "واریز و برداشت",                  'R', 0, 0, G_ALL },
  { "postbank.deposit",     "postbank", "سپرده کوتاه‌مدت",                  'R', 0, 0, G_ALL },
  { "postbank.account",     "postbank", "افتتاح حساب",                     'R', 2, 0, G_ALL },
  { "postbank.card",        "postbank", "صدور کارت",                       'R', 0, 0, G_ALL },
  { "postbank.agency",      "postbank", "خدمات نیابتی",                    'R', 0, 0, G_ALL },
  { "tci.feasibility",      "tci", "بررسی امکانات فنی تلفن",               'B', 0, 0, G_ALL },
  { "tci.signup",           "tci", "ثبت‌نام تلفن ثابت",                     'B', 0, 0, G_ALL },
  { "tci.transfer",         "tci", "تغییر نام تلفن",                       'B', 0, 0, G_ALL },
  { "tci.relocate",         "tci", "تغییر مکان تلفن",                      'B', 0, 0, G_ALL },
  { "water.bills",          "utilities", "پرداخت قبوض آب و فاضلاب",        'B', 0, 0, G_WATER },
  { "water.change_use",     "utilities", "تغییر کاربری انشعاب آب",          'B', 0, 0, G_WATER },
  { "water.units",          "utilities", "تغییر تعداد واحد (آب)",           'B', 0, 0, G_WATER },
  { "water.new",            "utilities", "درخواست انشعاب جدید آب",          'B', 0, 0, G_WATER },
  { "water.name",           "utilities", "تغییر نام مشترک آب",              'B', 0, 0, G_WATER },
  { "power.bills",          "utilities", "پرداخت قبوض برق",                'B', 0, 0, G_POWER },
  { "power.change_use",     "utilities", "تغییر کاربری انشعاب برق",         'B', 0, 0, G_POWER },
  { "power.units",          "utilities", "تغییر تعداد واحد (برق)",          'B', 0, 0, G_POWER },
  { "power.new",            "utilities", "درخواست انشعاب جدید برق",         'B', 0, 0, G_POWER },
  { "power.name",           "utilities", "تغییر نام مشترک برق",             'B', 0, 0, G_POWER },
  { "gas.bills",            "utilities", "پرداخت قبوض گاز",                'B', 0, 0, G_GAS },
  { "gas.change_use",       "utilities", "تغییر کاربری انشعاب گاز",         'B', 0, 0, G_GAS },
  { "gas.units",            "utilities", "تغییر تعداد واحد (گاز)",          'B', 0, 0, G_GAS },
  { "gas.new",              "utilities", "درخواست انشعاب جدید گاز",         'B', 0, 0, G_GAS },
  { "gas.name",             "utilities", "تغییر نام مشترک گاز",             'B', 0, 0, G_GAS },
  { "mrud.housing",         "mrud", "ثبت‌نام طرح مسکن ملی",                 'B', 0, 0, G_HOUSING },
  { "welfare.justice",      "welfare", "سهام عدالت",                       'B', 0, 0, G_ALL },
  { "welfare.subsidy",      "welfare", "اصلاح اطلاعات خانوار یارانه",       'B', 0, 0, G_ALL },
  { "rsif.enrol",           "rsif", "عضویت در صندوق بیمه روستاییان",        'R', 0, 0, G_ALL },
  { "rsif.premium",         "rsif", "پرداخت حق بیمه روستاییان",            'R', 0, 0, G_ALL },
  { "sso.record",           "sso", "سابقه بیمه",                          'B', 0, 0, G_ALL },
  { "sso.voluntary",        "sso", "بیمه اختیاری",                        'B', 0, 0, G_ALL },
  { "agri.farmer",          "agri", "ثبت اطلاعات بهره‌بردار",               'R', 0, 0, G_ALL },
  { "agri.inputs",          "agri", "درخواست نهاده",                       'R', 0, 0, G_ALL },
  { "tax.register",         "tax", "ثبت‌نام مودیان",                        'U', 0, 0, G_ALL },
  { "tax.filing",           "tax", "ارسال اظهارنامه مالیاتی",              'U', 1, 0, G_ALL },
  { "city.levies",          "municipality", "عوارض نوسازی و پسماند",       'U', 0, 0, G_CITY },
  { "city.clearance",       "municipality", "مفاصاحساب شهرداری",           'U', 0, 0, G_CITY },
  { "edu.exam",             "education", "ثبت‌نام آزمون",                   'B', 0, 0, G_ALL },
  { "edu.school",           "education", "ثبت‌نام مدارس",                   'B', 0, 0, G_ALL },
};
#define N_SERVICE ((int)(sizeof(aDemoService)/sizeof(aDemoService[0])))

/* One office as the stage sees it. */
typedef struct DemoOffice {
  char *zCode, *zProvince;
  int bRural, bActive, bBooth;
} DemoOffice;

/* Is province iProv in group iGroup? (abIn: G_COUNT x nProv) */
static int inGroup(const unsigned char *abIn, int nProv, int iGroup, int iProv){
  return iGroup==G_ALL || abIn[iGroup*nProv + iProv];
}

int demo_services(Demo *p){
  char **azProv = 0;
  int nProv = 0, i, k, g, rc = 0, nBooth = 0, nPref = 0;
  unsigned char *abIn;
  Buf aAreas[G_COUNT];
  DemoOffice *aO = 0;
  int nO = 0, nOAlloc = 0;
  sqlite3_stmt *pQ;
  char *zErr = 0;

  /* Provinces, and which ones each group reaches. */
  pQ = db_prepare(p->db, "SELECT code FROM province ORDER BY code");
  while( sqlite3_step(pQ)==SQLITE_ROW ){
    azProv = xrealloc(azProv, sizeof(char *)*(size_t)(nProv+1));
    azProv[nProv++] = xstrdup(db_col_text(pQ, 0));
  }
  db_finalize(pQ);
  abIn = xcalloc((size_t)(G_COUNT*nProv)+1, 1);
  memset(aAreas, 0, sizeof aAreas);
  for(g=1; g<G_COUNT; g++){
    for(i=0; i<nProv; i++){
      if( demo_unit(p)<aGroupShare[g] ){
        abIn[g*nProv + i] = 1;
        buf_printf(&aAreas[g], "%s%s", aAreas[g].n ? "," : "", azProv[i]);
      }
    }
    if( aAreas[g].n==0 && nProv ){           /* every group reaches somewhere */
      abIn[g*nProv] = 1;
      buf_puts(&aAreas[g], azProv[0]);
    }
  }

  /* The catalogue, through the domain functions. */
  for(i=0; rc==0 && i<(int)(sizeof(aDemoAgency)/sizeof(aDemoAgency[0])); i++){
    if( agency_save(p->db, &p->actor, aDemoAgency[i].zCode, aDemoAgency[i].zName, &zErr, 0)<0 ) rc = 1;
  }
  for(i=0; rc==0 && i<N_SERVICE; i++){
    const DemoService *pS = &aDemoService[i];
    ServiceIn in;
    memset(&in, 0, sizeof in);
    in.zCode = pS->zCode;
    in.zAgency = pS->zAgency;
    in.zName = pS->zName;
    in.zChannel = pS->cChannel=='U' ? "urban" : pS->cChannel=='R' ? "rural_ict" : "both";
    in.minRank = pS->minRank;
    in.zFacility = pS->bBooth ? "civil_booth" : "";
    in.zArea = pS->iGroup==G_ALL ? "all" : "provinces";
    in.zAreas = pS->iGroup==G_ALL ? "" : buf_str(&aAreas[pS->iGroup]);
    in.bActive = 1;
    if( service_save(p->db, &p->actor, &in, &zErr, 0)<0 ) rc = 1;
  }
  if( rc ){
    fprintf(stderr, "pishkhan demo: services: %s\n", zErr ? zErr : "error");
    free(zErr);
    goto done;
  }

  /* The demo's agency login: Iran Post. */
  if( p->zPwHash[0]==0 && user_pw_hash(DEMO_PASSWORD, p->zPwHash) ){
    fprintf(stderr, "pishkhan demo: cannot hash the demo password\n");
    rc = 1;
    goto done;
  }
  if( user_create_hashed(p->db, &p->actor, "agency", ROLE_AGENCY, "post", p->zPwHash, &zErr)<0 ){
    fprintf(stderr, "pishkhan demo: user agency: %s\n", zErr ? zErr : "?");
    free(zErr);
    rc = 1;
    goto done;
  }
  snprintf(p->zAgency, sizeof p->zAgency, "post");

  /* Booths: about 30 % of active urban offices, a few rural ones. */
  pQ = db_prepare(p->db, "SELECT code, province_code, type, status FROM office ORDER BY code");
  while( sqlite3_step(pQ)==SQLITE_ROW ){
    DemoOffice *pO;
    if( nO>=nOAlloc ){
      nOAlloc = nOAlloc ? 2*nOAlloc : 1024;
      aO = xrealloc(aO, sizeof(DemoOffice)*(size_t)nOAlloc);
    }
    pO = &aO[nO++];
    pO->zCode = xstrdup(db_col_text(pQ, 0));
    pO->zProvince = xstrdup(db_col_text(pQ, 1));
    pO->bRural = strcmp(db_col_text(pQ, 2), "rural_ict")==0;
    pO->bActive = strcmp(db_col_text(pQ, 3), "active")==0;
    pO->bBooth = 0;
  }
  db_finalize(pQ);
  for(i=0; rc==0 && i<nO; i++){
    if( !aO[i].bActive || demo_unit(p)>=(aO[i].bRural ? 0.05 : 0.30) ) continue;
    aO[i].bBooth = 1;
    nBooth++;
    if( facility_set(p->db, &p->actor, aO[i].zCode, "civil_booth", 1, &zErr) ){
      fprintf(stderr, "pishkhan demo: booth of %s: %s\n", aO[i].zCode, zErr);
      free(zErr);
      rc = 1;
    }
  }

  /*
  ** Preferences: each active office orders a random 20-60 % of the
  ** services available to it. Written directly (with one audit entry for
  ** the stage) rather than through pref_set, which re-reads the catalogue
  ** for every office; the availability rule here is the same as
  ** allocate_offers() for the catalogue above.
  */
  if( rc==0 ){
    sqlite3_stmt *pIns = db_prepare(p->db,
      "INSERT INTO service_preference(office_code, seq, service_code) VALUES(?1,?2,?3)");
    int aS[N_SERVICE];
    for(i=0; rc==0 && i<nO; i++){
      const DemoOffice *pO = &aO[i];
      int iProv, nS = 0, nWant;
      if( !pO->bActive ) continue;
      for(iProv=0; iProv<nProv && strcmp(azProv[iProv], pO->zProvince)!=0; iProv++){}
      for(k=0; k<N_SERVICE; k++){
        const DemoService *pS = &aDemoService[k];
        if( pS->cChannel==(pO->bRural ? 'U' : 'R') ) continue;
        if( pS->bBooth && !pO->bBooth ) continue;
        if( iProv<nProv && !inGroup(abIn, nProv, pS->iGroup, iProv) ) continue;
        aS[nS++] = k;
      }
      nWant = (int)(nS * (0.2 + 0.4*demo_unit(p)) + 0.5);
      for(k=0; k<nWant && rc==0; k++){         /* partial Fisher-Yates */
        int j = k + demo_below(p, nS - k), t = aS[k];
        aS[k] = aS[j]; aS[j] = t;
        sqlite3_bind_text(pIns, 1, pO->zCode, -1, SQLITE_STATIC);
        sqlite3_bind_int(pIns, 2, k+1);
        sqlite3_bind_text(pIns, 3, aDemoService[aS[k]].zCode, -1, SQLITE_STATIC);
        if( sqlite3_step(pIns)!=SQLITE_DONE ) rc = 1;
        sqlite3_reset(pIns);
        nPref++;
      }
    }
    db_finalize(pIns);
    if( rc==0 ){
      char *zAfter = xsprintf("{\"offices\":%d,\"preferences\":%d}", nO, nPref);
      if( audit_log(p->db, &p->actor, "service.preferences.demo", "preferences", 0, 0, zAfter)!=SQLITE_OK ) rc = 1;
      free(zAfter);
    }
    if( rc ) fprintf(stderr, "pishkhan demo: preferences: %s\n", sqlite3_errmsg(p->db));
  }

  /* The allocation of the newest period with published ranks, if any. */
  if( rc==0 && db_int(p->db, 0, "SELECT count(*) FROM sqlite_schema WHERE name='result_set'", 0) ){
    char *zPeriod = db_text(p->db,
      "SELECT p.code FROM result_set r JOIN period p ON p.id=r.period_id"
      " WHERE r.state='published' ORDER BY p.code DESC LIMIT 1", 0);
    if( zPeriod ){
      AllocOutcome o;
      if( allocation_run(p->db, &p->actor, zPeriod, 0, &o, &zErr) ){
        fprintf(stderr, "pishkhan demo: allocation: %s\n", zErr);
        free(zErr);
        rc = 1;
      }else{
        printf("demo: allocation of %s: %d grants, %d uncovered (service, locality) pairs\n",
               zPeriod, o.a.nGrant, o.a.nGap);
      }
      free(zPeriod);
    }
  }
  if( rc==0 ){
    printf("demo: %d agencies, %d services, %d booths, %d preferences\n",
           (int)(sizeof(aDemoAgency)/sizeof(aDemoAgency[0])), N_SERVICE, nBooth, nPref);
  }

done:
  for(i=0; i<nO; i++){ free(aO[i].zCode); free(aO[i].zProvince); }
  free(aO);
  for(i=0; i<nProv; i++) free(azProv[i]);
  free(azProv);
  for(g=0; g<G_COUNT; g++) buf_free(&aAreas[g]);
  free(abIn);
  return rc;
}
