//! 开放数据: the published data sets (cut daily, signed: [`govit_app::dataset`]) served a part at a time with
//! `ETag` and `Last-Modified`, their signatures and key, the page that lists them and says how to check them
//! with stock OpenSSL, the data dictionary, and a DCAT catalogue for open-data platforms to harvest.

use super::documents::size_label;
use crate::AppState;
use crate::error::{WebError, render};
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use govit_app::dataset::{DataFile, DataSet, FILES};
use govit_app::open_data::{FIELDS, Field};
use govit_rules::vocab::{Category, Construction, Route, Status};
use serde_json::{Value, json};

/// The OpenSSL commands of the data page, as a script one downloads and runs.
const VERIFY_SCRIPT: &str = include_str!("../../../../docs/verify-open-data.sh");

/// Sets listed on the data page.
const LISTED: i64 = 60;

fn http_date(cut_at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(cut_at).ok().map(|t| t.with_timezone(&Utc))
}

/// Whether the client's copy (by `If-None-Match`, else `If-Modified-Since`) is this one.
fn fresh(headers: &HeaderMap, etag: &str, modified: Option<DateTime<Utc>>) -> bool {
    if let Some(tags) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return tags.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag);
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
    matches!((since, modified), (Some(since), Some(m)) if m.timestamp() <= since.timestamp())
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// One file of `set`: streamed part by part, or 304 when the client has it. `latest` files change with the
/// next cut (revalidate every time); a numbered set's never do.
fn file_response(state: &AppState, headers: &HeaderMap, set: &DataSet, file: &DataFile, latest: bool) -> Response {
    let etag = format!("\"{}\"", file.sm3);
    let modified = http_date(&set.cut_at);
    let mut out = HeaderMap::new();
    out.insert(header::ETAG, header_value(&etag));
    if let Some(m) = modified {
        out.insert(header::LAST_MODIFIED, header_value(&m.format("%a, %d %b %Y %H:%M:%S GMT").to_string()));
    }
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if latest { "public, no-cache" } else { "public, max-age=31536000, immutable" }),
    );
    out.insert(
        header::LINK,
        header_value(&format!("</public/datasets/{}/{}.sig>; rel=\"describedby\"", set.id, file.name)),
    );
    out.insert("x-govit-checkpoint", header_value(&format!("{} {}", set.checkpoint.seq, set.checkpoint.head_hash)));
    if fresh(headers, &etag, modified) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_TYPE, header_value(&file.media_type));
    out.insert(header::CONTENT_LENGTH, header_value(&file.bytes.to_string()));
    let (stem, extension) = file.name.split_once('.').unwrap_or((&file.name, ""));
    out.insert(
        header::CONTENT_DISPOSITION,
        header_value(&format!("attachment; filename=\"govit-{stem}-{}-{}.{extension}\"", set.day(), set.id)),
    );
    let (app, id, name, parts) = (state.app.clone(), set.id, file.name.clone(), file.parts);
    let stream = futures_util::stream::unfold(0, move |part| {
        let (app, name) = (app.clone(), name.clone());
        async move {
            if part >= parts {
                return None;
            }
            match app.open_data_part(id, &name, part).await {
                Ok(bytes) => Some((Ok(Bytes::from(bytes)), part + 1)),
                // The status is sent already: the body is cut short, and the log says why.
                Err(e) => {
                    tracing::error!(error = %e, dataset = id, file = %name, part, "open data part unreadable");
                    Some((Err(e), parts))
                }
            }
        }
    });
    (out, Body::from_stream(stream)).into_response()
}

fn text(content_type: &'static str, body: String, cache: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, cache)], body).into_response()
}

/// A file of a data set: its data, its signature (`.sig`) or the key that signed it (`audit-key.pem`).
async fn serve(state: &AppState, headers: &HeaderMap, id: Option<i64>, name: &str) -> Result<Response, WebError> {
    let set = state.app.open_data_set(id).await?;
    let cache = if id.is_none() { "public, no-cache" } else { "public, max-age=31536000, immutable" };
    if name == "audit-key.pem" {
        return Ok(text("application/x-pem-file", set.public_key.clone(), cache));
    }
    if let Some(data) = name.strip_suffix(".sig")
        && let Some(file) = set.file(data)
    {
        return Ok(text("text/plain; charset=utf-8", file.signature.clone(), cache));
    }
    match set.file(name) {
        Some(file) => Ok(file_response(state, headers, &set, file, id.is_none())),
        None => Err(WebError::NotFound(format!("数据集 {} 的文件“{name}”", set.id))),
    }
}

/// `/public/projects.csv` and the like: the newest data set's files.
pub(super) async fn latest(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    serve(&state, &headers, None, &name).await
}

/// `/public/datasets/{id}/{file}`: a data set as it was published, whatever has happened since.
pub(super) async fn numbered(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(format!("数据集“{id}”")))?;
    serve(&state, &headers, Some(id), &name).await
}

pub(super) async fn script() -> Response {
    text("text/x-shellscript; charset=utf-8", VERIFY_SCRIPT.to_owned(), "public, max-age=3600")
}

#[derive(Template)]
#[template(path = "public_data.html")]
struct DataPage {
    latest: Option<DataSet>,
    sets: Vec<DataSet>,
    /// `(file, its size as people read it)` of the newest set.
    sizes: Vec<(DataFile, String)>,
    /// Where the portal is reached, for the commands shown.
    origin: String,
}

pub(super) async fn page(State(state): State<AppState>) -> Result<Response, WebError> {
    let sets = state.app.open_data_sets(LISTED).await?;
    let latest = sets.first().cloned();
    let sizes = latest.iter().flat_map(|s| s.files.iter().map(|f| (f.clone(), size_label(f.bytes)))).collect();
    let origin = state.open_data.site.clone().unwrap_or_else(|| "https://本站地址".to_owned());
    Ok(render(&DataPage { latest, sets, sizes, origin }))
}

#[derive(Template)]
#[template(path = "public_dictionary.html")]
struct DictionaryPage {
    fields: &'static [Field],
    /// `(field, [(code, label)])`.
    codes: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
}

pub(super) async fn dictionary(State(state): State<AppState>) -> Response {
    let pairs = |all: &[(&'static str, &'static str)]| all.to_vec();
    let codes = vec![
        ("项目类别", pairs(&Category::ALL.iter().map(|c| (c.code(), c.label())).collect::<Vec<_>>())),
        ("建设性质", pairs(&Construction::ALL.iter().map(|c| (c.code(), c.label())).collect::<Vec<_>>())),
        (
            "状态",
            Status::ALL
                .iter()
                .filter(|s| state.open_data.statuses.contains(s))
                .map(|s| (s.code(), s.label()))
                .collect(),
        ),
        (
            "管理路径",
            Route::ALL.iter().filter(|r| state.open_data.routes.contains(r)).map(|r| (r.code(), r.label())).collect(),
        ),
    ];
    render(&DictionaryPage { fields: &FIELDS, codes })
}

/// The DCAT catalogue (JSON-LD). Its addresses are absolute under the operator's `site`, else relative to the
/// catalogue's own address (which JSON-LD resolves them against) — never taken from the request's `Host`.
pub(super) async fn catalog(State(state): State<AppState>) -> Result<Response, WebError> {
    let site = state.open_data.site.clone().unwrap_or_default();
    let at = |path: &str| json!({ "@id": format!("{site}{path}") });
    let sets = state.app.open_data_sets(LISTED).await?;
    let distributions: Vec<Value> = sets
        .first()
        .map(|set| {
            FILES
                .iter()
                .filter_map(|(name, media)| set.file(name).map(|f| (f, media)))
                .map(|(f, media)| {
                    json!({
                        "@type": "dcat:Distribution",
                        "dct:title": format!("{}(每日截取,SM2 签名)", f.name),
                        // The set's own address: its checksum stays true of it after the next cut.
                        "dcat:downloadURL": at(&format!("/public/datasets/{}/{}", set.id, f.name)),
                        "dcat:accessURL": at("/public/data"),
                        "dcat:mediaType": media.split(';').next().unwrap_or(media),
                        "dcat:byteSize": f.bytes,
                        "dct:modified": set.cut_at,
                        "spdx:checksum": { "@type": "spdx:Checksum", "spdx:algorithm": "SM3", "spdx:checksumValue": f.sm3 },
                        "dct:conformsTo": at("/public/dictionary"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut dataset = json!({
        "@id": format!("{site}/public/data#projects"),
        "@type": "dcat:Dataset",
        "dct:identifier": "govit-projects",
        "dct:title": "政务信息化项目公开清单",
        "dct:description": "依据《武汉市政务信息化项目建设管理办法》公开的政务信息化项目:项目编号、名称、建设单位、类别、建设性质、状态、管理路径、核定投资(元)和计划年度。每日截取,以审计密钥 SM2 签名并关联审计日志的签名检查点。",
        "dct:language": "zh-CN",
        "dcat:keyword": ["政务信息化", "政务公开", "项目"],
        "dct:accrualPeriodicity": { "@id": "http://purl.org/cld/freq/daily" },
        "dcat:landingPage": at("/public"),
        "dct:conformsTo": at("/public/dictionary"),
        "dct:publisher": { "@type": "foaf:Agent", "foaf:name": state.open_data.publisher() },
        "dcat:distribution": distributions,
    });
    if let Some(last) = sets.first() {
        dataset["dct:modified"] = json!(last.cut_at);
    }
    let catalog = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
        },
        "@id": format!("{site}/public/catalog.json"),
        "@type": "dcat:Catalog",
        "dct:title": "政务信息化项目公开数据目录",
        "dct:language": "zh-CN",
        "dct:publisher": { "@type": "foaf:Agent", "foaf:name": state.open_data.publisher() },
        "dcat:dataset": [dataset],
    });
    Ok(text("application/ld+json", catalog.to_string(), "public, no-cache"))
}
