//! 开放数据 over HTTP without login: the published data set streamed with `ETag` and `Last-Modified` (304 for
//! a copy one has), each earlier set at its own address for good, signatures and key, the data page, the
//! dictionary, the DCAT catalogue, the statistics with their tables, and the paged API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use govit_app::open_data::OpenDataConfig;
use govit_rules::vocab::Status;
use serde_json::Value;

async fn get(s: &common::Server, path: &str) -> reqwest::Response {
    common::client().get(format!("{}{path}", s.base)).send().await.unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers().get(name).unwrap_or_else(|| panic!("no {name}")).to_str().unwrap()
}

#[tokio::test]
async fn the_data_set_downloads_with_its_etag_and_a_client_that_has_it_gets_304() {
    let s = common::spawn_demo().await;
    let set = s.app.open_data_set(None).await.unwrap();
    let r = get(&s, "/public/projects.csv").await;
    assert_eq!(r.status(), 200);
    let etag = header(&r, "etag").to_owned();
    let modified = header(&r, "last-modified").to_owned();
    assert_eq!(etag, format!("\"{}\"", set.file("projects.csv").unwrap().sm3));
    assert!(modified.ends_with(" GMT"), "{modified}");
    assert_eq!(header(&r, "cache-control"), "public, no-cache");
    assert!(header(&r, "content-disposition").contains(&format!("govit-projects-{}-{}.csv", set.day(), set.id)));
    assert!(header(&r, "x-govit-checkpoint").starts_with(&set.checkpoint.seq.to_string()));
    let body = r.bytes().await.unwrap();
    assert_eq!(body.len() as u64, set.file("projects.csv").unwrap().bytes);
    assert!(body.starts_with("\u{feff}项目编号,项目名称".as_bytes()));
    assert_eq!(body.iter().filter(|b| **b == b'\n').count() as i64, set.rows + 1, "a header and a line a project");

    let again = |name: &'static str, value: String| {
        let url = format!("{}/public/projects.csv", s.base);
        async move { common::client().get(url).header(name, value).send().await.unwrap() }
    };
    let r = again("if-none-match", etag.clone()).await;
    assert_eq!(r.status(), 304);
    assert_eq!(header(&r, "etag"), etag);
    assert!(r.bytes().await.unwrap().is_empty());
    assert_eq!(again("if-none-match", format!("W/\"x\", {etag}")).await.status(), 304);
    assert_eq!(again("if-none-match", "\"another\"".to_owned()).await.status(), 200);
    assert_eq!(again("if-modified-since", modified).await.status(), 304);
    assert_eq!(again("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT".to_owned()).await.status(), 200);

    let json: Vec<Value> = get(&s, "/public/projects.json").await.json().await.unwrap();
    assert_eq!(json.len() as i64, set.rows);
    for key in
        ["id", "name", "owner", "category", "construction", "status", "route", "approved_investment", "plan_year"]
    {
        assert!(json[0].get(key).is_some(), "{key} in {}", json[0]);
    }
    let sig = get(&s, "/public/projects.csv.sig").await.text().await.unwrap();
    assert!(sig.starts_with("govit-open-data\nfile=projects.csv\n") && sig.contains("\nsignature="), "{sig}");
    let pem = get(&s, "/public/audit-key.pem").await.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
}

#[tokio::test]
async fn an_earlier_data_set_keeps_its_address_and_bytes_after_the_public_set_narrows() {
    let s = common::spawn_demo().await;
    let first = s.app.open_data_set(None).await.unwrap();
    let old = get(&s, &format!("/public/datasets/{}/projects.csv", first.id)).await;
    assert_eq!(header(&old, "cache-control"), "public, max-age=31536000, immutable");
    let old = old.bytes().await.unwrap();
    let narrowed = OpenDataConfig { statuses: vec![Status::Operating], ..OpenDataConfig::default() };
    common::publish_open_data(&s.app, &narrowed).await;
    let newest = s.app.open_data_set(None).await.unwrap();
    assert_ne!(newest.id, first.id);
    let latest = get(&s, "/public/projects.csv").await.bytes().await.unwrap();
    assert!(latest.len() < old.len(), "the newest set is the narrower one");
    let again = get(&s, &format!("/public/datasets/{}/projects.csv", first.id)).await.bytes().await.unwrap();
    assert_eq!(again, old, "the earlier set is served exactly as it was published");
    let sig = get(&s, &format!("/public/datasets/{}/projects.csv.sig", first.id)).await.text().await.unwrap();
    assert_eq!(sig, first.file("projects.csv").unwrap().signature);

    let page = get(&s, "/public/data").await.text().await.unwrap();
    assert!(page.contains(&format!("最新数据集(第 {} 期)", newest.id)), "{page}");
    assert!(page.contains(&format!("/public/datasets/{}/projects.csv", first.id)), "the history lists the first set");
    assert!(page.contains("openssl pkeyutl -verify") && page.contains("verify-open-data.sh"));
    for (path, status) in [
        ("/public/datasets/abc/projects.csv", 404),
        ("/public/datasets/999999/projects.csv", 404),
        (&format!("/public/datasets/{}/govit.db", first.id), 404),
        (&format!("/public/datasets/{}/..%2F..%2Fgovit.db", first.id), 404),
        ("/public/secrets.txt", 404),
    ] {
        assert_eq!(get(&s, path).await.status(), status, "{path}");
    }
}

#[tokio::test]
async fn the_catalogue_describes_the_data_set_in_dcat_with_addresses_under_the_operators_site() {
    let mut options = govit_web::WebOptions::default();
    options.open_data.site = Some("https://xmgk.example.gov.cn".to_owned());
    options.open_data.publisher = Some("武汉市政务服务和大数据管理局".to_owned());
    let demo = common::spawn_demo().await;
    let s = common::serve_with(demo.app.clone(), options).await;
    let r = common::client()
        .get(format!("{}/public/catalog.json", s.base))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-type"), "application/ld+json");
    let catalog: Value = r.json().await.unwrap();
    assert_eq!(catalog["@type"], "dcat:Catalog");
    assert_eq!(catalog["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    let dataset = &catalog["dcat:dataset"][0];
    assert_eq!(dataset["dct:publisher"]["foaf:name"], "武汉市政务服务和大数据管理局");
    assert_eq!(dataset["dct:conformsTo"]["@id"], "https://xmgk.example.gov.cn/public/dictionary");
    let set = s.app.open_data_set(None).await.unwrap();
    assert_eq!(dataset["dct:modified"], set.cut_at);
    let distributions = dataset["dcat:distribution"].as_array().unwrap();
    assert_eq!(distributions.len(), 2);
    let numbered = format!("https://xmgk.example.gov.cn/public/datasets/{}/projects.csv", set.id);
    assert_eq!(distributions[0]["dcat:downloadURL"]["@id"], numbered, "the address its checksum stays true of");
    assert_eq!(distributions[0]["dcat:mediaType"], "text/csv");
    assert_eq!(distributions[0]["spdx:checksum"]["spdx:checksumValue"], set.file("projects.csv").unwrap().sm3);
    assert!(!catalog.to_string().contains("evil.example"), "never the request's Host");

    let relative: Value = get(&demo, "/public/catalog.json").await.json().await.unwrap();
    let json = format!("/public/datasets/{}/projects.json", set.id);
    assert_eq!(relative["dcat:dataset"][0]["dcat:distribution"][1]["dcat:downloadURL"]["@id"], json);
}

#[tokio::test]
async fn the_dictionary_names_every_field_and_code_and_the_statistics_add_up_to_the_public_set() {
    let s = common::spawn_demo().await;
    let dictionary = get(&s, "/public/dictionary").await.text().await.unwrap();
    let csv = get(&s, "/public/projects.csv").await.text().await.unwrap();
    let header_line = csv.lines().next().unwrap().trim_start_matches('\u{feff}');
    for column in header_line.split(',') {
        assert!(dictionary.contains(&format!("<th scope=\"row\">{column}</th>")), "{column} in the dictionary");
    }
    for label in ["核定投资(元)", "元", "代码表:项目类别", "代码表:状态", "under_construction", "建设中"]
    {
        assert!(dictionary.contains(label), "{label}");
    }

    let html = get(&s, "/public/statistics").await.text().await.unwrap();
    let at = html.find("id=\"statistics-total\">").unwrap() + "id=\"statistics-total\">".len();
    let total: usize = html[at..].split('<').next().unwrap().parse().unwrap();
    let page: Value = get(&s, "/api/v1/open-data").await.json().await.unwrap();
    assert_eq!(page["total"].as_u64().unwrap() as usize, total);
    let status_table = html.split("id=\"table-status\"").nth(1).unwrap().split("</table>").next().unwrap();
    let counted: usize = status_table
        .split("<td class=\"num\">")
        .skip(1)
        .map(|cell| cell.split('<').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, total, "the status table counts every public project once");
    assert_eq!(html.matches("data-chart=").count(), 2);
    assert!(html.contains("核定投资(万元)"));
}

#[tokio::test]
async fn withheld_investment_is_in_no_chart_no_table_and_no_file() {
    let mut options = govit_web::WebOptions::default();
    options.open_data.show_investment = false;
    let demo = common::spawn_demo().await;
    common::publish_open_data(&demo.app, &options.open_data).await;
    let s = common::serve_with(demo.app.clone(), options).await;
    let html = get(&s, "/public/statistics").await.text().await.unwrap();
    assert!(html.contains("按计划年度和类别的项目数") && !html.contains("万元"), "{html}");
    let json: Vec<Value> = get(&s, "/public/projects.json").await.json().await.unwrap();
    assert!(json.iter().all(|p| p["approved_investment"].is_null()));
}

#[tokio::test]
async fn the_api_pages_the_public_set_and_refuses_a_bad_query_in_chinese() {
    let s = common::spawn_demo().await;
    let first: Value = get(&s, "/api/v1/open-data").await.json().await.unwrap();
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    assert!(first["pages"].as_u64().unwrap() > 1);
    let found: Value = get(&s, "/api/v1/open-data?status=operating&page=1").await.json().await.unwrap();
    assert!(found["rows"].as_array().unwrap().iter().all(|r| r["status"] == "运行中"), "{found}");
    for bad in ["?page=0", "?page=99999", "?sort=secret", "?district=nowhere", "?year=abc", "?limit=5"] {
        let r = get(&s, &format!("/api/v1/open-data{bad}")).await;
        assert_eq!(r.status(), 400, "{bad}");
        let e: Value = r.json().await.unwrap();
        assert!(e["message"].as_str().is_some_and(|m| !m.is_ascii()), "{bad}: {e}");
    }
}
