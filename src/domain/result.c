/*
** result.c — store, publish and verify result sets; objections (result.h).
**
** The engine (rank.c) is pure; this file is its bridge to the database:
** snapshot in (snapshot_load or the inputs stored with a set), results out.
*/
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/text.h"
#include "domain/document.h"
#include "domain/period.h"
#include "domain/result.h"
#include "store/db.h"

static const char *const azObjState[OBJ_COUNT] = { "filed", "upheld", "rejected" };
static const char *const azObjStateFa[OBJ_COUNT] = { "در دست بررسی", "پذیرفته شد", "رد شد" };

const char *objection_state_code(ObjState e){ return e<OBJ_COUNT ? azObjState[e] : "?"; }
const char *objection_state_label(ObjState e){ return e<OBJ_COUNT ? azObjStateFa[e] : "?"; }

static ObjState objStateFrom(const char *z){
  int i;
  for(i=0; z && i<OBJ_COUNT; i++) if( strcmp(z, azObjState[i])==0 ) return (ObjState)i;
  return OBJ_COUNT;
}

static void cpy(char *a, size_t n, const char *z){
  size_t k = z ? strlen(z) : 0;
  if( k>=n ) k = n-1;
  if( k ) memcpy(a, z, k);
  a[k] = 0;
}

/* ---- Result sets ------------------------------------------------------- */

#define SET_COLS \
  "s.id, s.period_id, p.code, s.version, s.state, s.inputs_hash, s.n_offices," \
  " s.n_rank1, s.n_rank2, s.n_rank3, s.n_unranked, ifnull(s.parent_id,0)," \
  " ifnull(s.objection_id,0), s.note, s.created_at, ifnull(s.published_at,'')"

static void setRow(sqlite3_stmt *q, ResultSetInfo *p){
  memset(p, 0, sizeof *p);
  p->id = sqlite3_column_int64(q, 0);
  p->iPeriod = sqlite3_column_int64(q, 1);
  cpy(p->zPeriod, sizeof p->zPeriod, db_col_text(q, 2));
  p->iVersion = sqlite3_column_int(q, 3);
  p->bPublished = strcmp(db_col_text(q, 4), "published")==0;
  cpy(p->zHash, sizeof p->zHash, db_col_text(q, 5));
  p->nOffices = sqlite3_column_int(q, 6);
  p->nRank1 = sqlite3_column_int(q, 7);
  p->nRank2 = sqlite3_column_int(q, 8);
  p->nRank3 = sqlite3_column_int(q, 9);
  p->nUnranked = sqlite3_column_int(q, 10);
  p->iParent = sqlite3_column_int64(q, 11);
  p->iObjection = sqlite3_column_int64(q, 12);
  cpy(p->zNote, sizeof p->zNote, db_col_text(q, 13));
  cpy(p->zCreatedAt, sizeof p->zCreatedAt, db_col_text(q, 14));
  cpy(p->zPublishedAt, sizeof p->zPublishedAt, db_col_text(q, 15));
}

int result_set_load(sqlite3 *db, long long id, ResultSetInfo *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " SET_COLS
    " FROM result_set s JOIN period p ON p.id=s.period_id WHERE s.id=?1");
  int rc = -1;
  sqlite3_bind_int64(q, 1, id);
  if( sqlite3_step(q)==SQLITE_ROW ){ setRow(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int result_set_latest(sqlite3 *db, const char *zPeriod, int bPublished, ResultSetInfo *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " SET_COLS
    " FROM result_set s JOIN period p ON p.id=s.period_id"
    " WHERE p.code=?1 AND (?2=0 OR s.state='published') ORDER BY s.version DESC LIMIT 1");
  int rc = -1;
  sqlite3_bind_text(q, 1, zPeriod ? zPeriod : "", -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 2, bPublished);
  if( sqlite3_step(q)==SQLITE_ROW ){ setRow(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int result_set_list(sqlite3 *db, const char *zPeriod, ResultSetInfo **pa, int *pn){
  sqlite3_stmt *q = db_prepare(db, "SELECT " SET_COLS
    " FROM result_set s JOIN period p ON p.id=s.period_id"
    " WHERE p.code=?1 ORDER BY s.version DESC");
  int nAlloc = 0;
  *pa = 0; *pn = 0;
  sqlite3_bind_text(q, 1, zPeriod ? zPeriod : "", -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( *pn>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 8;
      *pa = xrealloc(*pa, nAlloc*sizeof(ResultSetInfo));
    }
    setRow(q, &(*pa)[(*pn)++]);
  }
  db_finalize(q);
  return 0;
}

int result_set_inputs(sqlite3 *db, long long id, Snapshot *pSnap, Scheme *pScheme,
                      char **pzErr){
  sqlite3_stmt *q = db_prepare(db,
    "SELECT scheme_json, snapshot_json FROM result_set WHERE id=?1");
  int rc = -1;
  memset(pSnap, 0, sizeof *pSnap);
  memset(pScheme, 0, sizeof *pScheme);
  *pzErr = 0;
  sqlite3_bind_int64(q, 1, id);
  if( sqlite3_step(q)!=SQLITE_ROW ){
    *pzErr = xsprintf("no result set %lld", id);
  }else{
    const char *zScheme = db_col_text(q, 0);
    const char *zSnap = (const char *)sqlite3_column_text(q, 1);
    char *zE = 0;
    if( scheme_parse(zScheme, strlen(zScheme), pScheme, &zE) ){
      *pzErr = xsprintf("stored scheme: %s", zE);
      free(zE);
    }else if( snapshot_parse(zSnap ? zSnap : "", zSnap ? (size_t)sqlite3_column_bytes(q, 1) : 0,
                             pSnap, pzErr) ){
      scheme_clear(pScheme);
    }else{
      rc = 0;
    }
  }
  db_finalize(q);
  return rc;
}

/*
** Store the results pRs of pSnap under pScheme as version iVersion of
** period iPeriod (inside the caller's transaction). Returns the new set id,
** or -1 on a store error.
*/
static long long storeSet(sqlite3 *db, const Actor *pActor, long long iPeriod, int iVersion,
                          int bPublished, const Snapshot *pSnap, const Scheme *pScheme,
                          const ResultSet *pRs, long long iParent, long long iObjection,
                          const char *zNote, const char *zNow, ResultSetInfo *pInfo){
  Buf snap = {0}, b = {0};
  char *zScheme = scheme_canonical(pScheme);
  char zHash[65];
  sqlite3_stmt *q;
  long long id;
  int i, rc;
  snapshot_canonical(pSnap, &snap);
  rank_inputs_hash_text(buf_str(&snap), zScheme, zHash);
  q = db_prepare(db,
    "INSERT INTO result_set(period_id, version, state, inputs_hash, scheme_json,"
    " snapshot_json, n_offices, n_rank1, n_rank2, n_rank3, n_unranked, parent_id,"
    " objection_id, note, created_at, created_by, published_at, published_by)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)");
  sqlite3_bind_int64(q, 1, iPeriod);
  sqlite3_bind_int(q, 2, iVersion);
  sqlite3_bind_text(q, 3, bPublished ? "published" : "draft", -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, zHash, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, zScheme, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 6, buf_str(&snap), (int)snap.n, SQLITE_STATIC);
  sqlite3_bind_int(q, 7, pRs->nRes);
  sqlite3_bind_int(q, 8, pRs->nRank[1]);
  sqlite3_bind_int(q, 9, pRs->nRank[2]);
  sqlite3_bind_int(q, 10, pRs->nRank[3]);
  sqlite3_bind_int(q, 11, pRs->nRank[0]);
  if( iParent ) sqlite3_bind_int64(q, 12, iParent);
  if( iObjection ) sqlite3_bind_int64(q, 13, iObjection);
  sqlite3_bind_text(q, 14, zNote ? zNote : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 15, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 16, pActor->iUser);
  if( bPublished ){
    sqlite3_bind_text(q, 17, zNow, -1, SQLITE_STATIC);
    if( pActor->iUser ) sqlite3_bind_int64(q, 18, pActor->iUser);
  }
  rc = sqlite3_step(q);
  db_finalize(q);
  free(zScheme);
  buf_free(&snap);
  if( rc!=SQLITE_DONE ) return -1;
  id = sqlite3_last_insert_rowid(db);

  q = db_prepare(db, "INSERT INTO result(result_set_id, office_code, score, rank, place,"
                     " status, breakdown) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  for(i=0; i<pRs->nRes; i++){
    const RankResult *pR = &pRs->aRes[i];
    buf_reset(&b);
    rank_result_json(pRs, pScheme, i, &b);
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, pSnap->aOff[pR->iOffice].zCode, -1, SQLITE_STATIC);
    if( pR->iRank>0 ){
      sqlite3_bind_double(q, 3, pR->score);
      sqlite3_bind_int(q, 4, pR->iRank);
    }else{
      sqlite3_bind_null(q, 3);
      sqlite3_bind_null(q, 4);
    }
    sqlite3_bind_int(q, 5, pR->iPlace);
    sqlite3_bind_text(q, 6, rank_status_code(pR->eStatus), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 7, buf_str(&b), (int)b.n, SQLITE_STATIC);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    if( rc!=SQLITE_DONE ) break;
  }
  db_finalize(q);
  buf_free(&b);
  if( rc!=SQLITE_DONE ) return -1;
  {
    char *zAfter = xsprintf("{\"version\":%d,\"state\":\"%s\",\"inputs_hash\":\"%s\","
                            "\"offices\":%d,\"rank1\":%d,\"rank2\":%d,\"rank3\":%d,"
                            "\"unranked\":%d}", iVersion, bPublished ? "published" : "draft",
                            zHash, pRs->nRes, pRs->nRank[1], pRs->nRank[2], pRs->nRank[3],
                            pRs->nRank[0]);
    char *zObj = xsprintf("result_set:%lld", id);
    rc = audit_log(db, pActor, iObjection ? "result.revise" : "result.rank", zObj, 0, 0, zAfter);
    free(zAfter);
    free(zObj);
    if( rc!=SQLITE_OK ) return -1;
  }
  if( pInfo && result_set_load(db, id, pInfo) ) return -1;
  return id;
}

int result_rank(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                ResultSetInfo *pInfo, char **pzErr){
  Period per;
  Scheme sch;
  Snapshot snap;
  ResultSet rs;
  char zNow[21];
  int iVersion;
  long long id;
  *pzErr = 0;
  if( period_load(db, zPeriod, &per) ){
    *pzErr = xsprintf("no period %s", zPeriod);
    return -1;
  }
  if( per.state==PS_CLOSED ){
    *pzErr = xsprintf("period %s is closed: its results no longer change", zPeriod);
    return -1;
  }
  if( period_scheme(db, &per, &sch, pzErr) ) return -1;
  if( snapshot_load(db, zPeriod, &sch, &snap, pzErr) ){
    scheme_clear(&sch);
    return -1;
  }
  if( rank_assign(&snap, &sch, &rs)!=RANK_OK ){
    *pzErr = xsprintf("period %s: the scheme has no thresholds for an office type", zPeriod);
    snapshot_clear(&snap);
    scheme_clear(&sch);
    return -1;
  }
  period_now(zNow);
  if( db_begin(db)!=SQLITE_OK ){
    *pzErr = xsprintf("database busy: %s", sqlite3_errmsg(db));
    id = -1;
  }else{
    sqlite3_stmt *q = db_prepare(db,
      "SELECT ifnull(max(version),0)+1 FROM result_set WHERE period_id=?1");
    sqlite3_bind_int64(q, 1, per.id);
    sqlite3_step(q);
    iVersion = sqlite3_column_int(q, 0);
    db_finalize(q);
    id = storeSet(db, pActor, per.id, iVersion, 0, &snap, &sch, &rs, 0, 0, "", zNow, pInfo);
    /* A reviewing period is ranked once a result set is stored. */
    if( id>0 && period_move(db, pActor, zPeriod, 1u<<PS_REVIEWING, PS_RANKED, "result.rank")<0 ){
      id = -1;
    }
    if( id<0 ){
      *pzErr = xsprintf("store error: %s", sqlite3_errmsg(db));
      db_rollback(db);
    }else if( db_commit(db)!=SQLITE_OK ){
      *pzErr = xsprintf("store error: %s", sqlite3_errmsg(db));
      db_rollback(db);
      id = -1;
    }
  }
  rank_clear(&rs);
  snapshot_clear(&snap);
  scheme_clear(&sch);
  return id<0 ? -1 : 0;
}

int result_publish(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                   ResultSetInfo *pInfo, char **pzErr){
  ResultSetInfo cur;
  Period per;
  char zNow[21];
  sqlite3_stmt *q;
  int rc;
  *pzErr = 0;
  if( db_int(db, 0, "SELECT count(*) FROM period WHERE code=?1", zPeriod)==0 ){
    *pzErr = xsprintf("no period %s", zPeriod);
    return -1;
  }
  if( db_begin(db)!=SQLITE_OK ){
    *pzErr = xsprintf("database busy: %s", sqlite3_errmsg(db));
    return -1;
  }
  /* Only results made after the declarations closed are published: the
  ** period is ranked (or published already, for a newer version). */
  memset(&per, 0, sizeof per);
  if( period_load(db, zPeriod, &per)==0 && per.state==PS_CLOSED ){
    db_rollback(db);
    *pzErr = xsprintf("period %s is closed: its results no longer change", zPeriod);
    return -1;
  }
  if( per.state!=PS_RANKED && per.state!=PS_PUBLISHED ){
    db_rollback(db);
    *pzErr = xsprintf("period %s is %s: results are published once it is ranked (advance it to"
                      " reviewing when the declarations are done, then rank it)", zPeriod,
                      period_state_code(per.state));
    return -1;
  }
  if( result_set_latest(db, zPeriod, 0, &cur) ){
    db_rollback(db);
    *pzErr = xsprintf("period %s has no result set: run pishkhan rank --period %s first",
                      zPeriod, zPeriod);
    return -1;
  }
  if( cur.bPublished ){
    db_rollback(db);
    *pzErr = xsprintf("period %s: the latest result set (version %d) is already published;"
                      " there is no newer draft", zPeriod, cur.iVersion);
    return -1;
  }
  period_now(zNow);
  q = db_prepare(db, "UPDATE result_set SET state='published', published_at=?2,"
                     " published_by=?3 WHERE id=?1 AND state='draft'");
  sqlite3_bind_int64(q, 1, cur.id);
  sqlite3_bind_text(q, 2, zNow, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 3, pActor->iUser);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc==SQLITE_DONE ){
    char *zObj = xsprintf("result_set:%lld", cur.id);
    char *zAfter = xsprintf("{\"period\":\"%s\",\"version\":%d,\"state\":\"published\","
                            "\"inputs_hash\":\"%s\"}", zPeriod, cur.iVersion, cur.zHash);
    rc = audit_log(db, pActor, "result.publish", zObj, 0, "{\"state\":\"draft\"}", zAfter)==SQLITE_OK
         ? SQLITE_DONE : SQLITE_ERROR;
    free(zObj);
    free(zAfter);
  }
  /* Publishing makes a ranked period published, in the same transaction. */
  if( rc==SQLITE_DONE
   && period_move(db, pActor, zPeriod, 1u<<PS_RANKED, PS_PUBLISHED, "result.publish")<0 ){
    rc = SQLITE_ERROR;
  }
  if( rc!=SQLITE_DONE || db_commit(db)!=SQLITE_OK ){
    *pzErr = xsprintf("store error: %s", sqlite3_errmsg(db));
    db_rollback(db);
    return -1;
  }
  return result_set_load(db, cur.id, pInfo);
}

/* ---- Verify ------------------------------------------------------------ */

int result_verify(sqlite3 *db, const char *zPeriod, char **pzMsg){
  ResultSetInfo info;
  Snapshot snap, live;
  Scheme sch, cur;
  ResultSet rs;
  Buf b = {0}, b2 = {0};
  char zHash[65], *zErr = 0;
  sqlite3_stmt *q;
  int rc = 0, i, j;
  Period per;
  *pzMsg = 0;
  if( period_load(db, zPeriod, &per) ){
    *pzMsg = xsprintf("no period %s", zPeriod);
    return -1;
  }
  if( result_set_latest(db, zPeriod, 1, &info) ){
    *pzMsg = xsprintf("period %s has no published result set", zPeriod);
    return -1;
  }
  if( result_set_inputs(db, info.id, &snap, &sch, &zErr) ){
    *pzMsg = xsprintf("result set %d: stored inputs do not parse: %s", info.iVersion, zErr);
    free(zErr);
    return 1;
  }
  /* 1. The stored inputs against their hash. */
  rank_inputs_hash(&snap, &sch, zHash);
  if( strcmp(zHash, info.zHash)!=0 ){
    *pzMsg = xsprintf("result set %d: the stored inputs do not match their hash"
                      " (stored %s, computed %s)", info.iVersion, info.zHash, zHash);
    snapshot_clear(&snap);
    scheme_clear(&sch);
    return 1;
  }
  if( rank_assign(&snap, &sch, &rs)!=RANK_OK ){
    *pzMsg = xsprintf("result set %d: the stored scheme does not fit the stored snapshot",
                      info.iVersion);
    snapshot_clear(&snap);
    scheme_clear(&sch);
    return 1;
  }
  /* 2. Every stored result against the recomputed one (both by code). */
  q = db_prepare(db, "SELECT office_code, breakdown, ifnull(score,0), ifnull(rank,0), place,"
                     " status FROM result WHERE result_set_id=?1 ORDER BY office_code");
  sqlite3_bind_int64(q, 1, info.id);
  i = 0;
  while( rc==0 && sqlite3_step(q)==SQLITE_ROW ){
    const char *zCode = db_col_text(q, 0);
    if( i>=rs.nRes || strcmp(snap.aOff[i].zCode, zCode)!=0 ){
      *pzMsg = xsprintf("office %s: stored result has no office in the stored inputs", zCode);
      rc = 1;
      break;
    }
    buf_reset(&b);
    rank_result_json(&rs, &sch, i, &b);
    if( strcmp(buf_str(&b), db_col_text(q, 1))!=0
     || sqlite3_column_double(q, 2)!=(rs.aRes[i].iRank ? rs.aRes[i].score : 0)
     || sqlite3_column_int(q, 3)!=rs.aRes[i].iRank
     || sqlite3_column_int(q, 4)!=rs.aRes[i].iPlace
     || strcmp(db_col_text(q, 5), rank_status_code(rs.aRes[i].eStatus))!=0 ){
      *pzMsg = xsprintf("office %s: stored result differs from the recomputed one"
                        " (recomputed: score %.2f, rank %d, %s)", zCode, rs.aRes[i].score,
                        rs.aRes[i].iRank, rank_status_code(rs.aRes[i].eStatus));
      rc = 1;
    }
    i++;
  }
  db_finalize(q);
  if( rc==0 && i<rs.nRes ){
    *pzMsg = xsprintf("office %s: no stored result", snap.aOff[i].zCode);
    rc = 1;
  }
  /* 3. The inputs in the database now against the stored ones. */
  if( rc==0 ){
    if( period_scheme(db, &per, &cur, &zErr)==0 ){
      if( strcmp(cur.zHash, sch.zHash)!=0 ){
        *pzMsg = xsprintf("the scheme of period %s changed after publication", zPeriod);
        rc = 1;
      }
      scheme_clear(&cur);
    }else{
      free(zErr);
      zErr = 0;
    }
  }
  if( rc==0 && snapshot_load(db, zPeriod, &sch, &live, &zErr)==0 ){
    ResultSet rsLive;
    int bRs = rank_assign(&live, &sch, &rsLive)==RANK_OK;
    for(i=0, j=0; rc==0 && (i<snap.nOff || j<live.nOff); ){
      int c = i>=snap.nOff ? 1 : j>=live.nOff ? -1 : strcmp(snap.aOff[i].zCode, live.aOff[j].zCode);
      if( c<0 ){
        *pzMsg = xsprintf("office %s: in the published inputs, no longer in the registry",
                          snap.aOff[i].zCode);
        rc = 1;
      }else if( c>0 ){
        *pzMsg = xsprintf("office %s: registered after publication; not in the published inputs",
                          live.aOff[j].zCode);
        rc = 1;
      }else{
        buf_reset(&b); buf_reset(&b2);
        snapshot_office_canonical(&snap, i, &b);
        snapshot_office_canonical(&live, j, &b2);
        if( strcmp(buf_str(&b), buf_str(&b2))!=0 ){
          *pzMsg = xsprintf("office %s: inputs changed after publication (published: score %.2f,"
                            " rank %d; from today's inputs: score %.2f, rank %d)",
                            snap.aOff[i].zCode, rs.aRes[i].score, rs.aRes[i].iRank,
                            bRs ? rsLive.aRes[j].score : 0.0, bRs ? rsLive.aRes[j].iRank : 0);
          rc = 1;
        }
        i++; j++;
      }
    }
    if( rc==0 ){
      /* Period-wide inputs (the national survey mean). */
      rank_inputs_hash(&live, &sch, zHash);
      if( strcmp(zHash, info.zHash)!=0 ){
        *pzMsg = xsprintf("the period's inputs changed after publication (survey mean)");
        rc = 1;
      }
    }
    if( bRs ) rank_clear(&rsLive);
    snapshot_clear(&live);
  }else if( rc==0 ){
    *pzMsg = xsprintf("cannot load today's inputs: %s", zErr ? zErr : "?");
    free(zErr);
    rc = -1;
  }
  if( rc==0 ){
    *pzMsg = xsprintf("result set %d of %s: %d offices, inputs %s", info.iVersion, zPeriod,
                      rs.nRes, info.zHash);
  }
  buf_free(&b);
  buf_free(&b2);
  rank_clear(&rs);
  snapshot_clear(&snap);
  scheme_clear(&sch);
  return rc;
}

/* ---- Office results ---------------------------------------------------- */

#define OR_COLS \
  "s.id, p.code, s.version, s.state, r.score, r.rank, r.place, r.status, r.breakdown," \
  " s.created_at, ifnull(s.published_at,''), ifnull(s.objection_id,0)"

static void orRow(sqlite3_stmt *q, OfficeResult *p){
  memset(p, 0, sizeof *p);
  p->iSet = sqlite3_column_int64(q, 0);
  cpy(p->zPeriod, sizeof p->zPeriod, db_col_text(q, 1));
  p->iVersion = sqlite3_column_int(q, 2);
  p->bPublished = strcmp(db_col_text(q, 3), "published")==0;
  p->score = sqlite3_column_double(q, 4);
  p->iRank = sqlite3_column_int(q, 5);
  p->iPlace = sqlite3_column_int(q, 6);
  cpy(p->zStatus, sizeof p->zStatus, db_col_text(q, 7));
  p->zBreakdown = xstrdup(db_col_text(q, 8));
  cpy(p->zCreatedAt, sizeof p->zCreatedAt, db_col_text(q, 9));
  cpy(p->zPublishedAt, sizeof p->zPublishedAt, db_col_text(q, 10));
  p->iObjection = sqlite3_column_int64(q, 11);
}

void result_office_clear(OfficeResult *p){
  free(p->zBreakdown);
  memset(p, 0, sizeof *p);
}

void result_office_free(OfficeResult *a, int n){
  int i;
  for(i=0; i<n; i++) free(a[i].zBreakdown);
  free(a);
}

int result_office(sqlite3 *db, long long iSet, const char *zOffice, OfficeResult *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " OR_COLS
    " FROM result r JOIN result_set s ON s.id=r.result_set_id JOIN period p ON p.id=s.period_id"
    " WHERE r.result_set_id=?1 AND r.office_code=?2");
  int rc = -1;
  sqlite3_bind_int64(q, 1, iSet);
  sqlite3_bind_text(q, 2, zOffice ? zOffice : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){ orRow(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int result_office_latest(sqlite3 *db, const char *zOffice, OfficeResult *p){
  sqlite3_stmt *q = db_stmt(db, "SELECT " OR_COLS
    " FROM result r JOIN result_set s ON s.id=r.result_set_id JOIN period p ON p.id=s.period_id"
    " WHERE r.office_code=?1 AND s.state='published'"
    " ORDER BY p.code DESC, s.version DESC LIMIT 1");
  int rc = -1;
  sqlite3_bind_text(q, 1, zOffice ? zOffice : "", -1, SQLITE_STATIC);
  if( sqlite3_step(q)==SQLITE_ROW ){ orRow(q, p); rc = 0; }
  db_release(q);
  return rc;
}

int result_office_history(sqlite3 *db, const char *zPeriod, const char *zOffice,
                          OfficeResult **pa, int *pn){
  sqlite3_stmt *q = db_prepare(db, "SELECT " OR_COLS
    " FROM result r JOIN result_set s ON s.id=r.result_set_id JOIN period p ON p.id=s.period_id"
    " WHERE r.office_code=?2 AND p.code=?1 AND s.state='published' ORDER BY s.version");
  int nAlloc = 0;
  *pa = 0; *pn = 0;
  sqlite3_bind_text(q, 1, zPeriod ? zPeriod : "", -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zOffice ? zOffice : "", -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( *pn>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 4;
      *pa = xrealloc(*pa, nAlloc*sizeof(OfficeResult));
    }
    orRow(q, &(*pa)[(*pn)++]);
  }
  db_finalize(q);
  return 0;
}

/* ---- Objections -------------------------------------------------------- */

int objection_deadline(sqlite3 *db, const char *zPeriod, char zDate[11]){
  char *zFirst = db_text(db,
    "SELECT min(s.published_at) FROM result_set s JOIN period p ON p.id=s.period_id"
    " WHERE p.code=?1 AND s.state='published'", zPeriod);
  char *zScheme = 0, *zErr = 0;
  Scheme sch;
  int rc = -1;
  if( zFirst==0 ) return -1;
  zScheme = period_scheme_json(db, zPeriod);
  if( zScheme && scheme_parse(zScheme, strlen(zScheme), &sch, &zErr)==0 ){
    rc = period_tehran_date_plus(zFirst, sch.objectionDays, zDate);
    scheme_clear(&sch);
  }
  free(zErr);
  free(zScheme);
  free(zFirst);
  return rc;
}

void objection_clear(Objection *p){
  int i;
  for(i=0; i<p->nInd; i++) free(p->azInd[i]);
  free(p->azInd);
  for(i=0; i<p->nDoc; i++){ free(p->azDoc[i]); free(p->azDocName[i]); }
  free(p->azDoc);
  free(p->azDocName);
  free(p->zText);
  free(p->zReason);
  free(p->zValues);
  memset(p, 0, sizeof *p);
}

void objection_list_free(Objection *a, int n){
  int i;
  for(i=0; i<n; i++) objection_clear(&a[i]);
  free(a);
}

#define OBJ_COLS \
  "o.id, p.code, o.office_code, o.result_set_id, o.indicators, o.text, o.state," \
  " ifnull(o.filed_by,0), o.filed_at, ifnull(o.decided_by,0), ifnull(o.decided_at,'')," \
  " o.decision_reason, o.values_json, ifnull(o.new_result_set_id,0)"

static void objRow(sqlite3 *db, sqlite3_stmt *q, Objection *p){
  json_t *pA;
  json_error_t e;
  size_t i;
  sqlite3_stmt *d;
  memset(p, 0, sizeof *p);
  p->id = sqlite3_column_int64(q, 0);
  cpy(p->zPeriod, sizeof p->zPeriod, db_col_text(q, 1));
  cpy(p->zOffice, sizeof p->zOffice, db_col_text(q, 2));
  p->iSet = sqlite3_column_int64(q, 3);
  pA = json_loads(db_col_text(q, 4), 0, &e);
  p->azInd = xcalloc(json_array_size(pA) + 1, sizeof(char *));
  for(i=0; i<json_array_size(pA); i++){
    const char *z = json_string_value(json_array_get(pA, i));
    p->azInd[p->nInd++] = xstrdup(z ? z : "");
  }
  json_decref(pA);
  p->zText = xstrdup(db_col_text(q, 5));
  p->state = objStateFrom(db_col_text(q, 6));
  p->iFiledBy = sqlite3_column_int64(q, 7);
  cpy(p->zFiledAt, sizeof p->zFiledAt, db_col_text(q, 8));
  p->iDecidedBy = sqlite3_column_int64(q, 9);
  cpy(p->zDecidedAt, sizeof p->zDecidedAt, db_col_text(q, 10));
  p->zReason = xstrdup(db_col_text(q, 11));
  if( sqlite3_column_type(q, 12)!=SQLITE_NULL ) p->zValues = xstrdup(db_col_text(q, 12));
  p->iNewSet = sqlite3_column_int64(q, 13);
  d = db_prepare(db, "SELECT sha256, name FROM objection_document WHERE objection_id=?1"
                     " ORDER BY rowid");
  sqlite3_bind_int64(d, 1, p->id);
  while( sqlite3_step(d)==SQLITE_ROW ){
    p->azDoc = xrealloc(p->azDoc, (p->nDoc + 1)*sizeof(char *));
    p->azDocName = xrealloc(p->azDocName, (p->nDoc + 1)*sizeof(char *));
    p->azDocName[p->nDoc] = xstrdup(db_col_text(d, 1));
    p->azDoc[p->nDoc++] = xstrdup(db_col_text(d, 0));
  }
  db_finalize(d);
}

int objection_load(sqlite3 *db, long long id, Objection *p){
  sqlite3_stmt *q = db_prepare(db, "SELECT " OBJ_COLS
    " FROM objection o JOIN period p ON p.id=o.period_id WHERE o.id=?1");
  int rc = -1;
  sqlite3_bind_int64(q, 1, id);
  if( sqlite3_step(q)==SQLITE_ROW ){ objRow(db, q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int objection_list(sqlite3 *db, const char *zPeriod, const char *zOffice, ObjState eState,
                   Objection **pa, int *pn){
  sqlite3_stmt *q = db_prepare(db, "SELECT " OBJ_COLS
    " FROM objection o JOIN period p ON p.id=o.period_id"
    " WHERE (?1 IS NULL OR p.code=?1) AND (?2 IS NULL OR o.office_code=?2)"
    "   AND (?3 IS NULL OR o.state=?3) ORDER BY o.id DESC LIMIT 1000");
  int nAlloc = 0;
  *pa = 0; *pn = 0;
  if( zPeriod ) sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
  if( zOffice ) sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  if( eState<OBJ_COUNT ) sqlite3_bind_text(q, 3, azObjState[eState], -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( *pn>=nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 8;
      *pa = xrealloc(*pa, nAlloc*sizeof(Objection));
    }
    objRow(db, q, &(*pa)[(*pn)++]);
  }
  db_finalize(q);
  return 0;
}

/* Is z only spaces (ASCII white space)? */
static int isBlank(const char *z){
  for(; *z; z++) if( !(*z==' ' || (*z>='\t' && *z<='\r')) ) return 0;
  return 1;
}

/* Set the error outputs and return -1. */
static long long objErr(char **pzErr, const char **pzErrFa, const char *zEn, const char *zFa){
  *pzErr = xstrdup(zEn);
  *pzErrFa = zFa;
  return -1;
}

/* Set *pE (and *pzFa, the same Persian text as a literal) and return -1. */
static long long objFail(DeclErr *pE, const char **pzFa, int status, const char *zField,
                         const char *zEn, const char *zFa){
  decl_err(pE, status, zField, zEn, zFa);
  *pzFa = zFa;
  return -1;
}

/* Remove the temporary files of aUp[iFrom..nUp) (not stored). */
static void dropUploads(const ObjUpload *aUp, int nUp, int iFrom){
  int i;
  for(i=iFrom; i<nUp; i++) if( aUp[i].zTmp && aUp[i].zTmp[0] ) unlink(aUp[i].zTmp);
}

/*
** The body of objection_file() and objection_file_docs(). *pzFa is set
** to the Persian message when it is a literal (every refusal but those
** that name an uploaded file), else NULL.
*/
static long long objFile(sqlite3 *db, const char *zDir, const Actor *pActor,
                         const char *zPeriod, const char *zOffice,
                         const char *const *azInd, int nInd, const char *zText,
                         const char *const *azDoc, int nDoc, const ObjUpload *aUp, int nUp,
                         const char *zNow, DeclErr *pE, const char **pzFa){
  ResultSetInfo set;
  OfficeResult res;
  Scheme sch;
  Period per;
  char zDeadline[11], zToday[11], *zE = 0, *zT;
  char (*azMime)[64] = 0;
  int *aNew = 0;
  json_t *pA, *pUps = 0;
  char *zInd, *zUps = 0;
  sqlite3_stmt *q;
  long long id = -1;
  int i, k, rc;
  memset(pE, 0, sizeof *pE);
  *pzFa = 0;
  if( nUp>0 && zDir==0 ){
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 500, "", "no data directory for documents", "خطای پیکربندی: پوشهٔ اسناد تعیین نشده است.");
  }
  if( period_load(db, zPeriod, &per) ){
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "period", "no such period", "دوره‌ای با این کد نیست.");
  }
  if( result_set_latest(db, zPeriod, 1, &set) ){
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "period", "the results of this period are not published",
                   "نتیجهٔ این دوره هنوز منتشر نشده است.");
  }
  if( objection_deadline(db, zPeriod, zDeadline) || period_tehran_date(zNow, zToday) ){
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "period", "no objection window", "مهلت اعتراض تعیین نشده است.");
  }
  if( strcmp(zToday, zDeadline)>0 ){
    dropUploads(aUp, nUp, 0);
    objFail(pE, pzFa, 422, "period", "", "مهلت اعتراض به نتیجهٔ این دوره به پایان رسیده است.");
    snprintf(pE->zEn, sizeof pE->zEn, "the objection window closed on %s", zDeadline);
    return -1;
  }
  if( result_office(db, set.id, zOffice, &res) ){
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "", "this office has no result in this period",
                   "این دفتر در نتیجهٔ این دوره نیست.");
  }
  rc = strcmp(res.zStatus, "ranked");
  result_office_clear(&res);
  if( rc!=0 ){
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "", "only a ranked office can object to its indicators",
                   "تنها دفتری که رتبه گرفته است می‌تواند به امتیاز شاخص‌ها اعتراض کند.");
  }
  zT = zText ? text_normalize_dup(zText) : 0;
  if( zT==0 || isBlank(zT) ){
    free(zT);
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "text", "text: required", "متن اعتراض را بنویسید.");
  }
  if( strlen(zT)>8000 ){
    free(zT);
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "text", "text: at most 8000 bytes", "متن اعتراض بیش از اندازه بلند است.");
  }
  if( nInd<1 ){
    free(zT);
    dropUploads(aUp, nUp, 0);
    return objFail(pE, pzFa, 422, "indicators", "indicators: name at least one",
                   "دست‌کم یک شاخص را برای اعتراض برگزینید.");
  }
  if( period_scheme(db, &per, &sch, &zE) ){
    free(zT);
    dropUploads(aUp, nUp, 0);
    objFail(pE, pzFa, 500, "", "", "طرح امتیازدهی دوره خوانده نشد.");
    snprintf(pE->zEn, sizeof pE->zEn, "%s", zE ? zE : "the period's scheme does not load");
    free(zE);
    return -1;
  }
  pA = json_array();
  for(i=0; i<nInd; i++){
    const Indicator *pI = scheme_indicator(&sch, azInd[i]);
    for(k=0; k<i; k++) if( strcmp(azInd[k], azInd[i])==0 ) break;
    if( k<i ) continue;
    if( pI==0 || (pI->source!=SRC_DECLARED && pI->source!=SRC_ROSTER) ){
      objFail(pE, pzFa, 422, "indicators", "",
              "شاخص برگزیده در خوداظهاری نیست؛ تنها به شاخص‌های خوداظهاری می‌توان اعتراض کرد.");
      snprintf(pE->zEn, sizeof pE->zEn, "indicators: \"%s\" is not a declared indicator of the scheme",
               azInd[i]);
      json_decref(pA);
      scheme_clear(&sch);
      free(zT);
      dropUploads(aUp, nUp, 0);
      return -1;
    }
    json_array_append_new(pA, json_string(pI->zKey));
  }
  scheme_clear(&sch);
  zInd = json_dumps(pA, JSON_COMPACT);
  json_decref(pA);

  /* New documents: each checked (size, type by content) before any is
  ** stored, then moved into the store; a refusal names the file. */
  if( nUp>0 ){
    azMime = xcalloc((size_t)nUp, sizeof *azMime);
    aNew = xcalloc((size_t)nUp, sizeof(int));
    for(i=0; i<nUp; i++){
      int bOk = aUp[i].nSize<=DOC_MAX_BYTES
             && document_sniff(aUp[i].zTmp, azMime[i], sizeof azMime[i]);
      if( !bOk ){
        char *zName = document_clean_name(aUp[i].zName);
        DeclErr e;
        memset(&e, 0, sizeof e);
        if( aUp[i].nSize>DOC_MAX_BYTES ){
          decl_err(&e, 413, "file", "file: larger than 5 MB; nothing was stored",
                   "حجم پرونده بیش از ۵ مگابایت است؛ چیزی ذخیره نشد.");
        }else{
          decl_err(&e, 415, "file", "", "");
          snprintf(e.zEn, sizeof e.zEn, "file: the content is %s, not PDF, JPEG or PNG; nothing was stored",
                   azMime[i][0] ? azMime[i] : "unknown");
          snprintf(e.zFa, sizeof e.zFa, "محتوای پرونده PDF، JPEG یا PNG نیست (%s)؛ چیزی ذخیره نشد.",
                   azMime[i][0] ? azMime[i] : "نامعلوم");
        }
        decl_err(pE, e.status, "file", "", "");
        {
          char *zEn = xsprintf("file \"%s\": %s; the objection was not filed", zName, e.zEn + 6);
          char *zFa = xsprintf("پروندهٔ «%s»: %s اعتراض ثبت نشد.", zName, e.zFa);
          snprintf(pE->zEn, sizeof pE->zEn, "%s", zEn);
          snprintf(pE->zFa, sizeof pE->zFa, "%s", zFa);
          free(zEn);
          free(zFa);
        }
        free(zName);
        dropUploads(aUp, nUp, 0);
        free(azMime); free(aNew); free(zInd); free(zT);
        return -1;
      }
    }
    for(i=0; i<nUp; i++){
      DeclErr e;
      char zMime[64];
      memset(&e, 0, sizeof e);
      if( document_put(db, zDir, aUp[i].zTmp, aUp[i].nSize, aUp[i].zSha, zMime, &aNew[i], &e) ){
        dropUploads(aUp, nUp, i+1);
        for(k=0; k<i; k++) document_unstore(db, zDir, aUp[k].zSha, aNew[k]);
        *pE = e;
        free(azMime); free(aNew); free(zInd); free(zT);
        return -1;
      }
    }
  }

  if( db_begin(db)!=SQLITE_OK ){
    objFail(pE, pzFa, 503, "", "database busy", "پایگاه داده مشغول است؛ دوباره بکوشید.");
    goto fail;
  }
  if( db_int(db, 0, "SELECT count(*) FROM objection WHERE office_code=?1 AND state='filed'",
             zOffice)>0 ){
    db_rollback(db);
    objFail(pE, pzFa, 422, "", "this office has an objection pending",
            "اعتراض پیشین این دفتر هنوز در دست بررسی است.");
    goto fail;
  }
  q = db_prepare(db, "INSERT INTO objection(period_id, office_code, result_set_id, indicators,"
                     " text, filed_by, filed_at) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  sqlite3_bind_int64(q, 1, per.id);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, set.id);
  sqlite3_bind_text(q, 4, zInd, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 5, zT, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 6, pActor->iUser);
  sqlite3_bind_text(q, 7, zNow, -1, SQLITE_STATIC);
  rc = sqlite3_step(q);
  db_finalize(q);
  if( rc==SQLITE_DONE ) id = sqlite3_last_insert_rowid(db);
  for(i=0; id>0 && i<nDoc; i++){
    /* Only a document this office attached to one of its declarations. */
    char *zName;
    q = db_prepare(db, "SELECT dd.name FROM declaration_document dd"
                       " JOIN declaration d ON d.id=dd.declaration_id"
                       " WHERE d.office_code=?1 AND dd.sha256=?2 LIMIT 1");
    sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, azDoc[i], -1, SQLITE_STATIC);
    zName = sqlite3_step(q)==SQLITE_ROW ? xstrdup(db_col_text(q, 0)) : 0;
    db_finalize(q);
    if( zName==0 ){
      db_rollback(db);
      objFail(pE, pzFa, 422, "documents", "", "سند برگزیده از اسناد این دفتر نیست.");
      snprintf(pE->zEn, sizeof pE->zEn, "documents: %s is not a document of this office", azDoc[i]);
      goto fail;
    }
    q = db_prepare(db, "INSERT OR IGNORE INTO objection_document(objection_id, sha256, name)"
                       " VALUES(?1,?2,?3)");
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, azDoc[i], -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, zName, -1, SQLITE_STATIC);
    if( sqlite3_step(q)!=SQLITE_DONE ) id = -1;
    db_finalize(q);
    free(zName);
  }
  pUps = json_array();
  for(i=0; id>0 && i<nUp; i++){
    char *zName = document_clean_name(aUp[i].zName);
    if( document_row(db, pActor, aUp[i].zSha, azMime[i], aUp[i].nSize, zNow) ){
      id = -1;
    }else{
      q = db_prepare(db, "INSERT OR IGNORE INTO objection_document(objection_id, sha256, name)"
                         " VALUES(?1,?2,?3)");
      sqlite3_bind_int64(q, 1, id);
      sqlite3_bind_text(q, 2, aUp[i].zSha, -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 3, zName, -1, SQLITE_STATIC);
      if( sqlite3_step(q)!=SQLITE_DONE ) id = -1;
      db_finalize(q);
      json_array_append_new(pUps, json_pack("{ss ss sI ss}", "sha256", aUp[i].zSha,
                            "name", zName, "size", (json_int_t)aUp[i].nSize, "type", azMime[i]));
    }
    free(zName);
  }
  zUps = json_dumps(pUps, JSON_COMPACT);
  if( id>0 ){
    char *zObj = xsprintf("objection:%lld", id);
    char *zAfter = xsprintf("{\"period\":\"%s\",\"result_set\":%lld,\"indicators\":%s,"
                            "\"documents\":%d,\"uploaded\":%s}", zPeriod, set.id, zInd, nDoc,
                            zUps ? zUps : "[]");
    if( audit_log(db, pActor, "objection.file", zObj, zOffice, 0, zAfter)!=SQLITE_OK ) id = -1;
    free(zObj);
    free(zAfter);
  }
  if( id<0 || db_commit(db)!=SQLITE_OK ){
    db_rollback(db);
    objFail(pE, pzFa, 500, "", "store error", "خطای پایگاه داده؛ اعتراض ثبت نشد.");
    id = -1;
    goto fail;
  }
  json_decref(pUps);
  free(zUps); free(azMime); free(aNew); free(zInd); free(zT);
  return id;

fail:
  /* nothing was filed: the files this call stored go again */
  for(i=0; i<nUp; i++) document_unstore(db, zDir, aUp[i].zSha, aNew[i]);
  json_decref(pUps);
  free(zUps); free(azMime); free(aNew); free(zInd); free(zT);
  return -1;
}

long long objection_file(sqlite3 *db, const Actor *pActor, const char *zPeriod,
                         const char *zOffice, const char *const *azInd, int nInd,
                         const char *zText, const char *const *azDoc, int nDoc,
                         const char *zNow, char **pzErr, const char **pzErrFa){
  DeclErr e;
  const char *zFa = 0;
  long long id = objFile(db, 0, pActor, zPeriod, zOffice, azInd, nInd, zText, azDoc, nDoc,
                         0, 0, zNow, &e, &zFa);
  *pzErr = 0;
  *pzErrFa = 0;
  if( id<0 ){
    *pzErr = xstrdup(e.zEn);
    *pzErrFa = zFa ? zFa : "اعتراض ثبت نشد.";
  }
  return id;
}

long long objection_file_docs(sqlite3 *db, const char *zDir, const Actor *pActor,
                              const char *zPeriod, const char *zOffice,
                              const char *const *azInd, int nInd, const char *zText,
                              const char *const *azDoc, int nDoc,
                              const ObjUpload *aUp, int nUp, const char *zNow, DeclErr *pE){
  const char *zFa = 0;
  return objFile(db, zDir, pActor, zPeriod, zOffice, azInd, nInd, zText, azDoc, nDoc,
                 aUp, nUp, zNow, pE, &zFa);
}

/* Does table zTab have a column zCol? */
static int hasColumn(sqlite3 *db, const char *zTab, const char *zCol){
  sqlite3_stmt *q = db_prepare(db, "SELECT count(*) FROM pragma_table_info(?1) WHERE name=?2");
  int n;
  sqlite3_bind_text(q, 1, zTab, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zCol, -1, SQLITE_STATIC);
  n = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
  db_finalize(q);
  return n>0;
}

int objection_independent(sqlite3 *db, const char *zPeriod, const char *zOffice,
                          long long iUser){
  static const char *const azBy[] = { "confirmed_by", 0 };
  sqlite3_stmt *q;
  int n, i;
  if( iUser<=0 ) return 0;
  q = db_prepare(db,
    "SELECT count(*) FROM claim c JOIN declaration d ON d.id=c.declaration_id"
    " JOIN period p ON p.id=d.period_id"
    " WHERE p.code=?1 AND d.office_code=?2 AND c.reviewer_id=?3");
  sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, iUser);
  n = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int(q, 0) : 1;
  db_finalize(q);
  if( n>0 ) return 0;
  /* A reviewer of an earlier round (the declaration was sent back). */
  if( db_int(db, 0, "SELECT count(*) FROM sqlite_master WHERE name='claim_history'", 0) ){
    q = db_prepare(db,
      "SELECT count(*) FROM claim_history c JOIN declaration d ON d.id=c.declaration_id"
      " JOIN period p ON p.id=d.period_id"
      " WHERE p.code=?1 AND d.office_code=?2 AND c.reviewer_id=?3");
    sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, iUser);
    n = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int(q, 0) : 1;
    db_finalize(q);
    if( n>0 ) return 0;
  }
  /* The confirming manager (and any other recorded role in the review),
  ** in whichever columns the review workflow keeps them. */
  for(i=0; azBy[i]; i++){
    char *zSql;
    if( !hasColumn(db, "declaration", azBy[i]) ) continue;
    zSql = xsprintf("SELECT count(*) FROM declaration d JOIN period p ON p.id=d.period_id"
                    " WHERE p.code=?1 AND d.office_code=?2 AND d.%s=?3", azBy[i]);
    q = db_prepare(db, zSql);
    free(zSql);
    sqlite3_bind_text(q, 1, zPeriod, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, iUser);
    n = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int(q, 0) : 1;
    db_finalize(q);
    if( n>0 ) return 0;
  }
  return 1;
}

/* Check value pV for indicator pI; set *pNum (choice: option index) and
** *pzJson (heap: the claim's JSON text). Returns 0 or -1. */
static int objValue(const Indicator *pI, json_t *pV, double *pNum, char **pzJson){
  double v;
  if( pV==0 || json_is_null(pV) ) return -1;
  switch( pI->kind ){
    case KIND_CHOICE: {
      int k = json_is_string(pV) ? scheme_choice_index(pI, json_string_value(pV)) : -1;
      if( k<0 ) return -1;
      *pNum = k;
      *pzJson = json_dumps(pV, JSON_ENCODE_ANY);
      return 0;
    }
    case KIND_YESNO:
      if( json_is_boolean(pV) ) v = json_is_true(pV);
      else if( json_is_string(pV) && (strcmp(json_string_value(pV), "yes")==0
                                   || strcmp(json_string_value(pV), "true")==0
                                   || strcmp(json_string_value(pV), "1")==0) ) v = 1;
      else if( json_is_string(pV) && (strcmp(json_string_value(pV), "no")==0
                                   || strcmp(json_string_value(pV), "false")==0
                                   || strcmp(json_string_value(pV), "0")==0) ) v = 0;
      else return -1;
      *pNum = v;
      *pzJson = xstrdup(v ? "true" : "false");
      return 0;
    default: {
      Buf b = {0};
      if( json_is_number(pV) ){
        v = json_number_value(pV);
      }else if( json_is_string(pV) ){
        char *zEnd, *zN = text_normalize_dup(json_string_value(pV));
        if( zN==0 ) return -1;
        v = strtod(zN, &zEnd);
        if( zN[0]==0 || *zEnd ){ free(zN); return -1; }
        free(zN);
      }else{
        return -1;
      }
      if( !isfinite(v) ) return -1;
      if( pI->bHasMin && v<pI->min ) return -1;
      if( pI->bHasMax && v>pI->max ) return -1;
      if( (pI->kind==KIND_COUNT || pI->bInteger) && v!=floor(v) ) return -1;
      *pNum = v;
      rank_num(&b, v);
      *pzJson = buf_take(&b);
      return 0;
    }
  }
}

int objection_decide(sqlite3 *db, const Actor *pActor, long long id, int bUphold,
                     const char *zReason, json_t *pValues, const char *zNow,
                     long long *piNewSet, int *piStatus, char **pzErr,
                     const char **pzErrFa){
  Objection o;
  ResultSetInfo base, info;
  Snapshot snap;
  Scheme sch;
  ResultSet rs;
  char *zR = 0, *zE = 0, **azJson = 0;
  double *aNum = 0;
  int i, rc = -1, iOff, iVersion;
  long long iDecl, iNew = 0;
  sqlite3_stmt *q;
  *piNewSet = 0;
  *piStatus = 200;
  *pzErr = 0;
  *pzErrFa = 0;
  if( objection_load(db, id, &o) ){
    *piStatus = 404;
    return (int)objErr(pzErr, pzErrFa, "no such objection", "اعتراضی با این شماره نیست.");
  }
  if( o.state!=OBJ_FILED ){
    *piStatus = 409;
    objection_clear(&o);
    return (int)objErr(pzErr, pzErrFa, "this objection is already decided",
                       "دربارهٔ این اعتراض پیش‌تر تصمیم گرفته شده است.");
  }
  if( !objection_independent(db, o.zPeriod, o.zOffice, pActor->iUser) ){
    *piStatus = 403;
    objection_clear(&o);
    return (int)objErr(pzErr, pzErrFa,
      "you took part in this office's review in this period: another HQ reviewer must decide",
      "شما در بررسی خوداظهاری این دفتر در این دوره نقش داشته‌اید؛ بازبین دیگری از ستاد باید تصمیم بگیرد.");
  }
  zR = zReason ? text_normalize_dup(zReason) : 0;
  if( zR==0 || isBlank(zR) ){
    *piStatus = 422;
    free(zR);
    objection_clear(&o);
    return (int)objErr(pzErr, pzErrFa, "reason: required", "دلیل تصمیم را بنویسید.");
  }
  memset(&snap, 0, sizeof snap);
  memset(&sch, 0, sizeof sch);
  memset(&rs, 0, sizeof rs);

  if( bUphold ){
    /* The latest published set is the base: it carries every earlier
    ** upheld objection of the period. */
    if( result_set_latest(db, o.zPeriod, 1, &base)
     || result_set_inputs(db, base.id, &snap, &sch, &zE) ){
      *piStatus = 500;
      *pzErr = zE ? zE : xstrdup("no published result set");
      *pzErrFa = "نتیجهٔ منتشرشدهٔ دوره خوانده نشد.";
      goto done;
    }
    iOff = snapshot_find(&snap, o.zOffice);
    if( iOff<0 || snap.aOff[iOff].iClaim<0 ){
      *piStatus = 409;
      objErr(pzErr, pzErrFa, "the office has no claims in the published inputs",
             "این دفتر در ورودی‌های نتیجهٔ منتشرشده ادعایی ندارد.");
      goto done;
    }
    if( !json_is_object(pValues) ){
      *piStatus = 422;
      objErr(pzErr, pzErrFa, "values: an object {indicator: value} is required",
             "مقدار تأییدشدهٔ تازهٔ هر شاخص را وارد کنید.");
      goto done;
    }
    aNum = xcalloc(o.nInd, sizeof(double));
    azJson = xcalloc(o.nInd, sizeof(char *));
    for(i=0; i<o.nInd; i++){
      const Indicator *pI = scheme_indicator(&sch, o.azInd[i]);
      if( pI==0 || objValue(pI, json_object_get(pValues, o.azInd[i]), &aNum[i], &azJson[i]) ){
        *piStatus = 422;
        *pzErr = xsprintf("values.%s: missing or not a valid value for this indicator", o.azInd[i]);
        *pzErrFa = "مقدار واردشده برای یکی از شاخص‌ها درست نیست.";
        goto done;
      }
    }
    for(i=0; i<o.nInd; i++){
      int k;
      for(k=0; k<sch.nInd && strcmp(sch.aInd[k].zKey, o.azInd[i])!=0; k++){}
      {
        SnapClaim *pC = snapshot_claim(&snap, iOff, k);
        if( pC ){
          pC->bClaim = 1;
          pC->eDecision = SDEC_ADJUST;
          pC->bVerified = 1;
          pC->verified = aNum[i];
        }
      }
    }
    if( rank_assign(&snap, &sch, &rs)!=RANK_OK ){
      *piStatus = 500;
      objErr(pzErr, pzErrFa, "the stored scheme does not fit", "طرح امتیازدهی با ورودی‌ها جور نیست.");
      goto done;
    }
  }

  if( db_begin(db)!=SQLITE_OK ){
    *piStatus = 503;
    objErr(pzErr, pzErrFa, "database busy", "پایگاه داده مشغول است؛ دوباره بکوشید.");
    goto done;
  }
  if( bUphold ){
    char *zNote = xsprintf("objection %lld upheld", id);
    iDecl = 0;
    q = db_prepare(db, "SELECT d.id FROM declaration d JOIN period p ON p.id=d.period_id"
                       " WHERE p.code=?1 AND d.office_code=?2");
    sqlite3_bind_text(q, 1, o.zPeriod, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, o.zOffice, -1, SQLITE_STATIC);
    if( sqlite3_step(q)==SQLITE_ROW ) iDecl = sqlite3_column_int64(q, 0);
    db_finalize(q);
    for(i=0; iDecl && i<o.nInd; i++){
      char *zWhy = xsprintf("objection %lld: %s", id, zR);
      q = db_prepare(db,
        "INSERT INTO claim(declaration_id, indicator, verified, decision, reason,"
        " reviewer_id, decided_at) VALUES(?1,?2,?3,'adjust',?4,?5,?6)"
        " ON CONFLICT(declaration_id, indicator) DO UPDATE SET verified=excluded.verified,"
        " decision='adjust', reason=excluded.reason, reviewer_id=excluded.reviewer_id,"
        " decided_at=excluded.decided_at");
      sqlite3_bind_int64(q, 1, iDecl);
      sqlite3_bind_text(q, 2, o.azInd[i], -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 3, azJson[i], -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 4, zWhy, -1, SQLITE_STATIC);
      if( pActor->iUser ) sqlite3_bind_int64(q, 5, pActor->iUser);
      sqlite3_bind_text(q, 6, zNow, -1, SQLITE_STATIC);
      rc = sqlite3_step(q)==SQLITE_DONE ? 0 : -1;
      db_finalize(q);
      free(zWhy);
      if( rc ) break;
    }
    q = db_prepare(db, "SELECT ifnull(max(version),0)+1 FROM result_set WHERE period_id=?1");
    sqlite3_bind_int64(q, 1, base.iPeriod);
    sqlite3_step(q);
    iVersion = sqlite3_column_int(q, 0);
    db_finalize(q);
    iNew = rc==0 ? storeSet(db, pActor, base.iPeriod, iVersion, 1, &snap, &sch, &rs,
                            base.id, id, zNote, zNow, &info) : -1;
    free(zNote);
    rc = iNew>0 ? 0 : -1;
  }else{
    rc = 0;
  }
  if( rc==0 ){
    json_t *pV = json_object();
    char *zVals;
    for(i=0; bUphold && i<o.nInd; i++){
      json_t *pJ = json_loads(azJson[i], JSON_DECODE_ANY, 0);
      if( pJ ) json_object_set_new(pV, o.azInd[i], pJ);
    }
    zVals = json_dumps(pV, JSON_COMPACT|JSON_SORT_KEYS);
    json_decref(pV);
    q = db_prepare(db, "UPDATE objection SET state=?2, decided_by=?3, decided_at=?4,"
                       " decision_reason=?5, values_json=?6, new_result_set_id=?7"
                       " WHERE id=?1 AND state='filed'");
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, bUphold ? "upheld" : "rejected", -1, SQLITE_STATIC);
    if( pActor->iUser ) sqlite3_bind_int64(q, 3, pActor->iUser);
    sqlite3_bind_text(q, 4, zNow, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, zR, -1, SQLITE_STATIC);
    if( bUphold ) sqlite3_bind_text(q, 6, zVals, -1, SQLITE_STATIC);
    if( iNew>0 ) sqlite3_bind_int64(q, 7, iNew);
    rc = sqlite3_step(q)==SQLITE_DONE && sqlite3_changes(db)==1 ? 0 : -1;
    db_finalize(q);
    if( rc==0 ){
      char *zObj = xsprintf("objection:%lld", id);
      char *zAfter = xsprintf("{\"state\":\"%s\",\"values\":%s,\"new_result_set\":%lld}",
                              bUphold ? "upheld" : "rejected", bUphold ? zVals : "null", iNew);
      rc = audit_log(db, pActor, bUphold ? "objection.uphold" : "objection.reject", zObj,
                     o.zOffice, "{\"state\":\"filed\"}", zAfter)==SQLITE_OK ? 0 : -1;
      free(zObj);
      free(zAfter);
    }
    free(zVals);
  }
  if( rc!=0 || db_commit(db)!=SQLITE_OK ){
    db_rollback(db);
    *piStatus = 500;
    rc = -1;
    objErr(pzErr, pzErrFa, "store error", "خطای پایگاه داده؛ تصمیم ثبت نشد.");
    goto done;
  }
  *piNewSet = iNew;
  rc = 0;

done:
  for(i=0; azJson && i<o.nInd; i++) free(azJson[i]);
  free(azJson);
  free(aNum);
  free(zR);
  rank_clear(&rs);
  snapshot_clear(&snap);
  scheme_clear(&sch);
  objection_clear(&o);
  return rc;
}
