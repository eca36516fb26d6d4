/*
** reply.c — the right to reply (reply.h).
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "domain/reply.h"
#include "store/db.h"

/* Code points of a valid UTF-8 string. */
static long long utf8Len(const char *z){
  long long n = 0;
  for(; *z; z++) if( (*z & 0xC0)!=0x80 ) n++;
  return n;
}

/* Normalise free text but keep its line breaks: each line normalised,
** blank lines at the ends dropped. Heap string, or NULL on broken UTF-8. */
static char *normText(const char *zIn){
  Buf b = {0};
  const char *z = zIn;
  while( 1 ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    Buf line = {0};
    if( n>0 && z[n-1]=='\r' ) n--;
    if( text_normalize(z, n, &line) ){ buf_free(&line); buf_free(&b); return 0; }
    if( b.n>0 || line.n>0 ){
      if( b.n>0 ) buf_putc(&b, '\n');
      buf_puts(&b, buf_str(&line));
    }
    buf_free(&line);
    if( zEnd==0 ) break;
    z = zEnd + 1;
  }
  while( b.n>0 && b.z[b.n-1]=='\n' ) b.z[--b.n] = 0;
  {
    char *zOut = buf_take(&b);
    return zOut ? zOut : xstrdup("");
  }
}

long long reply_write(sqlite3 *db, const Actor *pActor, const char *zOffice,
                      const char *zPeriod, const char *zText, char **pzErr){
  char *zNorm;
  char zNow[21], zObj[48];
  long long iPeriod, iId;
  sqlite3_stmt *q;
  json_t *pAfter;
  char *zAfter;
  *pzErr = 0;
  iPeriod = db_int(db, 0, "SELECT id FROM period WHERE code=?1", zPeriod);
  if( iPeriod==0 ){ *pzErr = xstrdup("دوره: چنین دوره‌ای نیست."); return -1; }
  if( db_int(db, 0, "SELECT count(*) FROM office WHERE code=?1", zOffice)==0 ){
    *pzErr = xstrdup("دفتر: چنین دفتری نیست.");
    return -1;
  }
  zNorm = normText(zText ? zText : "");
  if( zNorm==0 ){ *pzErr = xstrdup("متن پاسخ: نویسه‌های نامعتبر دارد."); return -1; }
  if( zNorm[0]==0 ){ free(zNorm); *pzErr = xstrdup("متن پاسخ: خالی است."); return -1; }
  if( utf8Len(zNorm)>REPLY_MAX_CHARS ){
    free(zNorm);
    *pzErr = xsprintf("متن پاسخ: بیش از %d نویسه است.", REPLY_MAX_CHARS);
    return -1;
  }
  audit_now(zNow);
  if( db_begin(db)!=SQLITE_OK ){ free(zNorm); *pzErr = xstrdup("پایگاه داده در دسترس نیست."); return -1; }
  q = db_prepare(db, "SELECT id FROM right_to_reply WHERE office_code=?1 AND period_id=?2"
                     " AND state='pending' ORDER BY id DESC LIMIT 1");
  sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, iPeriod);
  iId = sqlite3_step(q)==SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
  db_finalize(q);
  if( iId ){
    q = db_prepare(db, "UPDATE right_to_reply SET text=?1, written_by=?2, written_at=?3 WHERE id=?4");
    sqlite3_bind_int64(q, 4, iId);
  }else{
    q = db_prepare(db, "INSERT INTO right_to_reply(text, written_by, written_at, office_code, period_id)"
                       " VALUES(?1, ?2, ?3, ?4, ?5)");
    sqlite3_bind_text(q, 4, zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, iPeriod);
  }
  sqlite3_bind_text(q, 1, zNorm, -1, SQLITE_STATIC);
  if( pActor->iUser ) sqlite3_bind_int64(q, 2, pActor->iUser); else sqlite3_bind_null(q, 2);
  sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
  if( sqlite3_step(q)!=SQLITE_DONE ){
    db_finalize(q);
    db_rollback(db);
    free(zNorm);
    *pzErr = xstrdup("پاسخ ذخیره نشد.");
    return -1;
  }
  db_finalize(q);
  if( iId==0 ) iId = sqlite3_last_insert_rowid(db);
  snprintf(zObj, sizeof zObj, "reply:%lld", iId);
  pAfter = json_pack("{ss ss ss}", "period", zPeriod, "state", "pending", "text", zNorm);
  zAfter = json_dumps(pAfter, JSON_COMPACT);
  json_decref(pAfter);
  if( audit_log(db, pActor, "reply_write", zObj, zOffice, NULL, zAfter)!=SQLITE_OK
   || db_commit(db)!=SQLITE_OK ){
    db_rollback(db);
    free(zAfter);
    free(zNorm);
    *pzErr = xstrdup("پاسخ ذخیره نشد.");
    return -1;
  }
  free(zAfter);
  free(zNorm);
  return iId;
}

int reply_decide(sqlite3 *db, const Actor *pActor, long long iId, int bApprove,
                 const char *zReason, char **pzErr){
  Reply r;
  char *zWhy;
  char zNow[21], zObj[48];
  sqlite3_stmt *q;
  json_t *pAfter;
  char *zAfter;
  int rc;
  *pzErr = 0;
  if( reply_load(db, iId, &r) ){ *pzErr = xstrdup("چنین پاسخی نیست."); return -1; }
  if( strcmp(r.zState, "pending")!=0 ){
    reply_clear(&r);
    *pzErr = xstrdup("این پاسخ پیش‌تر بررسی شده است.");
    return -1;
  }
  zWhy = text_normalize_dup(zReason ? zReason : "");
  if( zWhy==0 || (!bApprove && zWhy[0]==0) ){
    free(zWhy);
    reply_clear(&r);
    *pzErr = xstrdup("دلیل: برای رد پاسخ، دلیل لازم است.");
    return -1;
  }
  audit_now(zNow);
  if( db_begin(db)!=SQLITE_OK ){
    free(zWhy);
    reply_clear(&r);
    *pzErr = xstrdup("پایگاه داده در دسترس نیست.");
    return -1;
  }
  rc = SQLITE_DONE;
  if( bApprove ){
    q = db_prepare(db, "UPDATE right_to_reply SET state='superseded' WHERE office_code=?1"
                       " AND period_id=(SELECT period_id FROM right_to_reply WHERE id=?2)"
                       " AND state='approved'");
    sqlite3_bind_text(q, 1, r.zOffice, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, iId);
    rc = sqlite3_step(q);
    db_finalize(q);
  }
  if( rc==SQLITE_DONE ){
    q = db_prepare(db, "UPDATE right_to_reply SET state=?1, decided_by=?2, decided_at=?3,"
                       " decision_reason=?4 WHERE id=?5 AND state='pending'");
    sqlite3_bind_text(q, 1, bApprove ? "approved" : "rejected", -1, SQLITE_STATIC);
    if( pActor->iUser ) sqlite3_bind_int64(q, 2, pActor->iUser); else sqlite3_bind_null(q, 2);
    sqlite3_bind_text(q, 3, zNow, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, zWhy, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, iId);
    rc = sqlite3_step(q);
    db_finalize(q);
  }
  snprintf(zObj, sizeof zObj, "reply:%lld", iId);
  pAfter = json_pack("{ss ss ss}", "period", r.zPeriod,
                     "state", bApprove ? "approved" : "rejected", "reason", zWhy);
  zAfter = json_dumps(pAfter, JSON_COMPACT);
  json_decref(pAfter);
  if( rc!=SQLITE_DONE
   || audit_log(db, pActor, bApprove ? "reply_approve" : "reply_reject", zObj, r.zOffice,
                "{\"state\":\"pending\"}", zAfter)!=SQLITE_OK
   || db_commit(db)!=SQLITE_OK ){
    db_rollback(db);
    *pzErr = xstrdup("تصمیم ذخیره نشد.");
    rc = -1;
  }else{
    rc = 0;
  }
  free(zAfter);
  free(zWhy);
  reply_clear(&r);
  return rc;
}

#define REPLY_COLS \
  "SELECT t.id, t.office_code, p.code, t.text, t.state, t.written_at," \
  " coalesce(t.decided_at,''), t.decision_reason" \
  " FROM right_to_reply t JOIN period p ON p.id=t.period_id "

static void replyFill(sqlite3_stmt *q, Reply *p){
  memset(p, 0, sizeof *p);
  p->iId = sqlite3_column_int64(q, 0);
  snprintf(p->zOffice, sizeof p->zOffice, "%s", db_col_text(q, 1));
  snprintf(p->zPeriod, sizeof p->zPeriod, "%s", db_col_text(q, 2));
  p->zText = xstrdup(db_col_text(q, 3));
  snprintf(p->zState, sizeof p->zState, "%s", db_col_text(q, 4));
  snprintf(p->zWrittenAt, sizeof p->zWrittenAt, "%s", db_col_text(q, 5));
  snprintf(p->zDecidedAt, sizeof p->zDecidedAt, "%s", db_col_text(q, 6));
  p->zReason = xstrdup(db_col_text(q, 7));
}

int reply_load(sqlite3 *db, long long iId, Reply *p){
  sqlite3_stmt *q = db_prepare(db, REPLY_COLS "WHERE t.id=?1");
  int rc = -1;
  sqlite3_bind_int64(q, 1, iId);
  if( sqlite3_step(q)==SQLITE_ROW ){ replyFill(q, p); rc = 0; }
  db_finalize(q);
  return rc;
}

int reply_list(sqlite3 *db, const char *zOffice, const char *zState, Reply **pa){
  sqlite3_stmt *q = db_prepare(db, REPLY_COLS
    "WHERE (?1 IS NULL OR t.office_code=?1) AND (?2 IS NULL OR t.state=?2)"
    " ORDER BY p.code DESC, t.id DESC LIMIT 1000");
  Reply *a = 0;
  int n = 0, nAlloc = 0;
  if( zOffice ) sqlite3_bind_text(q, 1, zOffice, -1, SQLITE_STATIC);
  if( zState ) sqlite3_bind_text(q, 2, zState, -1, SQLITE_STATIC);
  while( sqlite3_step(q)==SQLITE_ROW ){
    if( n==nAlloc ){
      nAlloc = nAlloc ? nAlloc*2 : 8;
      a = xrealloc(a, sizeof(Reply) * (size_t)nAlloc);
    }
    replyFill(q, &a[n++]);
  }
  db_finalize(q);
  *pa = a;
  return n;
}

void reply_clear(Reply *p){
  free(p->zText);
  free(p->zReason);
  p->zText = p->zReason = 0;
}

void reply_list_free(Reply *a, int n){
  int i;
  if( a==0 ) return;
  for(i=0; i<n; i++) reply_clear(&a[i]);
  free(a);
}

const char *reply_state_label(const char *z){
  if( strcmp(z, "pending")==0 ) return "در انتظار تأیید ستاد";
  if( strcmp(z, "approved")==0 ) return "تأییدشده، نمایش عمومی";
  if( strcmp(z, "rejected")==0 ) return "ردشده";
  if( strcmp(z, "superseded")==0 ) return "جایگزین‌شده با پاسخ تازه‌تر";
  return z;
}
