//! The household list (and its export) at a province's size: a page costs about the same for
//! one village's 300 households as for a province's million.
//!
//! Each request picks one of three plans, from numbers that are cheap to get:
//! - **Scope first**, when the scope holds at most [`SMALL_SCOPE`] households (the registry
//!   counters say so): its villages by path, their households by village, filtered and sorted
//!   in full. Totals are exact.
//! - **Candidates first**, for a search in a larger scope whose words are rare enough: the
//!   trigram index (`households_fts`) names at most [`MAX_CANDIDATES`] rows holding every
//!   trigram of the words; they are checked (scope, state, the words themselves) and sorted.
//!   Totals are exact.
//! - **Index walk** otherwise: the households are read in the order of the sort's index and
//!   filtered as they come, so a page stops after about `per_page` matching rows; a common
//!   word or a large scope matches often. Without a search the total comes from the counters;
//!   with one it is "at least" what was seen (`Page::more`).
//!
//! A page starts at most [`MAX_OFFSET`] rows in (offsets are bounded and every sort is
//! indexed), which is far beyond what anyone pages through; narrowing the list goes further.

use super::{HouseholdRow, ListRow};
use crate::backend::counts::{self, Counted};
use crate::backend::db::{Conn, Db, Pool};
use crate::backend::scope::push_scope_filter;
use crate::domain::listing::{ListQuery, Page};
use crate::error::{AppError, AppResult};
use sqlx::QueryBuilder;

/// At most this many households in scope: read them all.
pub const SMALL_SCOPE: i64 = 10_000;
/// At most this many trigram matches: check them all. Above it the words are common enough
/// for an index walk to fill a page quickly (at 1,000,000 households, 5,000 matches are one
/// row in 200: a page of 25 is found within some 5,000 rows of the index).
pub const MAX_CANDIDATES: i64 = 5_000;
/// The deepest row a page may start at.
pub const MAX_OFFSET: i64 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    ScopeFirst,
    CandidatesFirst,
    IndexWalk,
}

/// The sort keys the page offers, as `ORDER BY` columns (each list has an index).
fn order_columns(sort: &str) -> &'static [&'static str] {
    match sort {
        "village" => &["h.place_key", "h.search_key"],
        // The head's name breaks ties: each index holds it after the sort's own column.
        "members" => &["h.member_count", "h.search_key"],
        "code" => &["h.code", "h.search_key"],
        "updated" => &["h.updated_at", "h.search_key"],
        _ => &["h.search_key"],
    }
}

/// The trigram query for the words of three letters or more: every trigram of every word
/// (the index has no positions; the words are checked with `LIKE` after). `None` when no word
/// is long enough.
fn trigram_query(words: &[String]) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words {
        let chars: Vec<char> = word.chars().collect();
        for window in chars.windows(3) {
            let term: String = window.iter().collect();
            // Words hold letters, digits, '-', '.', '/' only (`search_words`): safe in quotes.
            let quoted = format!("\"{term}\"");
            if !terms.contains(&quoted) {
                terms.push(quoted);
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// A list row with the number of matches of the whole query (0 when not counted there).
#[derive(sqlx::FromRow)]
struct WithMatches<T> {
    #[sqlx(flatten)]
    row: T,
    matches: i64,
}

const SELECT: &str =
    "SELECT h.id, h.code, h.head_name, h.address, h.phone, h.member_count, h.active,
    h.village_id, v.name AS village_name, COALESCE(c.name, '') AS commune_name";

/// `FROM … WHERE` of a plan with every filter of `q`.
fn push_from_where(
    qb: &mut QueryBuilder<'_, Db>,
    plan: Plan,
    scopes: &[String],
    q: &ListQuery,
    words: &[String],
    trigrams: Option<&str>,
) {
    match plan {
        Plan::ScopeFirst => {
            qb.push(
                " FROM org_units v JOIN households h ON h.village_id = v.id
                  LEFT JOIN org_units c ON c.id = v.parent_id WHERE v.level = 'thon' AND ",
            );
        }
        Plan::CandidatesFirst => {
            qb.push(
                " FROM households h JOIN org_units v ON v.id = h.village_id
                  LEFT JOIN org_units c ON c.id = v.parent_id
                  WHERE h.id IN (SELECT rowid FROM households_fts WHERE households_fts MATCH ",
            )
            .push_bind(trigrams.unwrap_or_default().to_string())
            .push(" LIMIT ")
            .push_bind(MAX_CANDIDATES + 1)
            .push(") AND ");
        }
        // CROSS JOIN: SQLite keeps the households as the outer loop, read in the order of the
        // sort's index (PostgreSQL reads it as the inner join it is and plans on statistics).
        Plan::IndexWalk => {
            qb.push(
                " FROM households h CROSS JOIN org_units v
                  LEFT JOIN org_units c ON c.id = v.parent_id WHERE v.id = h.village_id AND ",
            );
        }
    }
    push_scope_filter(qb, "v.path", scopes);
    if !q.include_inactive {
        qb.push(" AND h.active");
    }
    for word in words {
        qb.push(" AND h.search_key LIKE ")
            .push_bind(format!("%{word}%"));
    }
}

fn push_order(qb: &mut QueryBuilder<'_, Db>, q: &ListQuery) {
    // One direction for every column, the id included: the index is read forwards or backwards.
    let dir = if q.desc { " DESC" } else { " ASC" };
    qb.push(" ORDER BY ");
    for col in order_columns(&q.sort) {
        qb.push(*col).push(dir).push(", ");
    }
    qb.push("h.id").push(dir);
}

/// `SELECT <list columns><extra> FROM … WHERE … ORDER BY …` of the chosen plan: the page and
/// the export read the same rows in the same order.
fn sorted_query(
    chosen: &Chosen,
    scopes: &[String],
    q: &ListQuery,
    words: &[String],
    extra: &str,
) -> QueryBuilder<'static, Db> {
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(SELECT);
    qb.push(extra);
    push_from_where(
        &mut qb,
        chosen.plan,
        scopes,
        q,
        words,
        chosen.trigrams.as_deref(),
    );
    push_order(&mut qb, q);
    qb
}

/// Households in scope, from the counters (active) and the few inactive ones, counted.
async fn scope_size(conn: &mut Conn, scopes: &[String], include_inactive: bool) -> AppResult<i64> {
    let active = counts::total(conn, Counted::Household, scopes).await?;
    if !include_inactive {
        return Ok(active);
    }
    let mut qb: QueryBuilder<Db> = QueryBuilder::new(
        "SELECT COUNT(*) FROM org_units v JOIN households h ON h.village_id = v.id
         WHERE v.level = 'thon' AND NOT h.active AND ",
    );
    push_scope_filter(&mut qb, "v.path", scopes);
    let inactive: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(active + inactive)
}

struct Chosen {
    plan: Plan,
    /// Households in scope (exact).
    in_scope: i64,
    trigrams: Option<String>,
}

async fn choose(
    conn: &mut Conn,
    scopes: &[String],
    q: &ListQuery,
    words: &[String],
) -> AppResult<Chosen> {
    let in_scope = scope_size(conn, scopes, q.include_inactive).await?;
    let trigrams = trigram_query(words);
    let plan = if in_scope <= SMALL_SCOPE {
        Plan::ScopeFirst
    } else if let Some(query) = &trigrams {
        let matches: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT rowid FROM households_fts WHERE households_fts MATCH $1 LIMIT $2)",
        )
        .bind(query)
        .bind(MAX_CANDIDATES + 1)
        .fetch_one(&mut *conn)
        .await?;
        if matches <= MAX_CANDIDATES {
            Plan::CandidatesFirst
        } else {
            Plan::IndexWalk
        }
    } else {
        Plan::IndexWalk
    };
    Ok(Chosen {
        plan,
        in_scope,
        trigrams,
    })
}

fn too_deep() -> AppError {
    AppError::bad_request(
        format!(
            "Chỉ xem được {} hộ đầu tiên của một danh sách. Hãy tìm theo tên, hoặc chọn xã, thôn để thu hẹp danh sách.",
            crate::i18n::format_int(crate::i18n::Lang::Vi, MAX_OFFSET)
        ),
        format!(
            "Only the first {} households of a list can be paged to. Search, or choose a commune or village, to narrow it.",
            crate::i18n::format_int(crate::i18n::Lang::En, MAX_OFFSET)
        ),
    )
}

/// One page of households within `scopes`, filtered and sorted as asked.
pub async fn list(pool: &Pool, scopes: &[String], q: &ListQuery) -> AppResult<Page<HouseholdRow>> {
    if q.offset() > MAX_OFFSET {
        return Err(too_deep());
    }
    let mut conn = pool.acquire().await?;
    let words = q.search_words();
    let chosen = choose(&mut conn, scopes, q, &words).await?;
    // The bounded plans with a search count their matches in the same query (every match is
    // read to sort them anyway); the counters give the rest.
    let count_here = !words.is_empty() && chosen.plan != Plan::IndexWalk;
    let extra = if count_here {
        ", COUNT(*) OVER () AS matches"
    } else {
        ", 0 AS matches"
    };
    let mut qb = sorted_query(&chosen, scopes, q, &words, extra);
    // One row more than the page: whether a next page exists, without counting.
    qb.push(" LIMIT ")
        .push_bind(q.per_page + 1)
        .push(" OFFSET ")
        .push_bind(q.offset());
    let mut rows: Vec<WithMatches<ListRow>> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let has_next = rows.len() as i64 > q.per_page;
    rows.truncate(q.per_page as usize);
    let (total, more) = if words.is_empty() {
        // The counters are exact for an unfiltered list.
        (chosen.in_scope, false)
    } else if count_here {
        match rows.first() {
            Some(first) => (first.matches, false),
            // A page past the end: count without it (bounded, as the plan is).
            None => {
                let mut count: QueryBuilder<Db> = QueryBuilder::new("SELECT COUNT(*)");
                push_from_where(
                    &mut count,
                    chosen.plan,
                    scopes,
                    q,
                    &words,
                    chosen.trigrams.as_deref(),
                );
                (
                    count.build_query_scalar().fetch_one(&mut *conn).await?,
                    false,
                )
            }
        }
    } else {
        (
            q.offset() + rows.len() as i64 + i64::from(has_next),
            has_next,
        )
    };
    Ok(Page {
        items: rows.into_iter().map(|r| r.row.into()).collect(),
        total,
        page: q.page,
        per_page: q.per_page,
        more,
    })
}

/// Streams every household `q` selects (at most `limit`) into an export, a chunk at a time:
/// the rows are never all in memory. An export is not paged, so it reads in the sort's index
/// order (or scope first, for a small scope) and never sorts a province.
pub async fn export(
    pool: &Pool,
    scopes: &[String],
    q: &ListQuery,
    limit: i64,
    book: &crate::backend::export::StreamedWorkbook,
    to_cells: impl Fn(HouseholdRow) -> Vec<String>,
) -> AppResult<()> {
    use crate::backend::export::CHUNK;
    use futures_util::TryStreamExt;
    let words = q.search_words();
    let chosen = {
        let mut conn = pool.acquire().await?;
        choose(&mut conn, scopes, q, &words).await?
    };
    let mut qb = sorted_query(&chosen, scopes, q, &words, "");
    qb.push(" LIMIT ").push_bind(limit);
    let mut rows = qb.build_query_as::<ListRow>().fetch(pool);
    let mut chunk = Vec::with_capacity(CHUNK);
    while let Some(row) = rows.try_next().await? {
        chunk.push(to_cells(row.into()));
        if chunk.len() == CHUNK {
            book.send(std::mem::take(&mut chunk)).await?;
        }
    }
    book.send(chunk).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigrams_of_every_long_word_and_none_of_short_ones() {
        let words = vec!["nguyen".to_string(), "an".to_string(), "345".to_string()];
        assert_eq!(
            trigram_query(&words).as_deref(),
            Some("\"ngu\" AND \"guy\" AND \"uye\" AND \"yen\" AND \"345\"")
        );
        assert_eq!(trigram_query(&["an".to_string()]), None);
    }
}
