/*
** gen_survey.c — generate a citizen-satisfaction survey CSV for the
** benchmark and the tests (bench/README.md).
**
**   gen_survey CODES N [DUP] [SEED] > FILE.csv
**
** CODES is a file of office codes, one a line (`pishkhan office export`
** cut to its first column will do). Writes a header and N responses of
** period 1399-1 (Farvardin 1 to Shahrivar 31 1399), in the order an
** export would list them: answer time and tracking number both rising.
** A share DUP (default 0.05) of the rows repeat a recent row whole, as
** overlapping exports do. Each office has its own mean rating, so the
** per-office means differ. Deterministic for a given SEED.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long s;
static unsigned long long rnd(void){   /* splitmix64 */
  unsigned long long z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static double unit(void){ return (double)(rnd() >> 11) / 9007199254740992.0; }

#define RING 65536
static char aRing[RING][96];

int main(int argc, char **argv){
  FILE *pIn;
  char zLine[256];
  char **azCode = 0;
  double *aMean = 0;
  int nCode = 0, nAlloc = 0;
  long long n, i, nRing = 0;
  double dup = 0.05;
  unsigned long long iTrack = 100000000000ULL;
  static const char *azSvc[] = {
    "sabt-ahval-01", "sabt-ahval-02", "police-10", "police-12", "post-01",
    "tax-03", "insurance-07", "judiciary-02", "passport-01", "vehicle-05",
  };
  static char zOut[1 << 16];
  if( argc<3 ){
    fprintf(stderr, "usage: gen_survey CODES N [DUP] [SEED] > FILE.csv\n");
    return 2;
  }
  n = atoll(argv[2]);
  if( argc>3 ) dup = atof(argv[3]);
  s = argc>4 ? strtoull(argv[4], 0, 10) : 1399;
  pIn = fopen(argv[1], "r");
  if( pIn==0 ){ perror(argv[1]); return 1; }
  while( fgets(zLine, sizeof zLine, pIn) ){
    size_t k = strcspn(zLine, ",\r\n");
    if( k==0 || strncmp(zLine, "code", 4)==0 ) continue;
    zLine[k] = 0;
    if( nCode==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 1024;
      azCode = realloc(azCode, sizeof(char*)*(size_t)nAlloc);
      aMean = realloc(aMean, sizeof(double)*(size_t)nAlloc);
      if( azCode==0 || aMean==0 ) abort();
    }
    azCode[nCode] = strdup(zLine);
    aMean[nCode] = 2.0 + 2.8*unit();        /* the office's true mean, 2.0..4.8 */
    nCode++;
  }
  fclose(pIn);
  if( nCode==0 ){ fprintf(stderr, "gen_survey: no codes in %s\n", argv[1]); return 1; }
  setvbuf(stdout, zOut, _IOFBF, sizeof zOut);
  fputs("tracking_no,office_code,service_code,rating,answered_at\n", stdout);
  for(i=0; i<n; i++){
    char *z = aRing[i % RING];
    if( nRing>1000 && unit()<dup ){
      long long k = (long long)(rnd() % (unsigned long long)(nRing<RING ? nRing : RING));
      fputs(aRing[k], stdout);
      if( z!=aRing[k] ) memmove(z, aRing[k], strlen(aRing[k])+1);
    }else{
      /* 186 days of 1399 H1 (6 months of 31), 08:00..19:59 local time */
      long long iSec = (i * 186LL * 12 * 3600) / (n>0 ? n : 1);
      int iDay = (int)(iSec / (12*3600));
      int iRest = (int)(iSec % (12*3600));
      int c = (int)(rnd() % (unsigned long long)nCode);
      int r = (int)(aMean[c] + unit()*2.0 - 0.5);
      if( r<1 ) r = 1;
      if( r>5 ) r = 5;
      iTrack += 1 + rnd() % 3;
      snprintf(z, 96, "%llu,%s,%s,%d,1399/%02d/%02d %02d:%02d:%02d\n",
               iTrack, azCode[c], azSvc[rnd() % 10], r,
               1 + iDay/31, 1 + iDay%31, 8 + iRest/3600, (iRest/60)%60, iRest%60);
      fputs(z, stdout);
    }
    nRing++;
  }
  return fflush(stdout)==0 ? 0 : 1;
}
