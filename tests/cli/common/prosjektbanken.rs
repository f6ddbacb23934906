//! Prosjektbanken on a local server: the project listing (`projectlist`, paged by
//! `resultCount`/`offset`, and the Cristin integration search paged by `from`/`size`) from
//! `tests/fixtures/prosjektbanken/projectlist.json`, and project pages: the two seed pages as
//! HTML fixtures, every other project as a script-only page with no content (as a
//! script-driven site may well serve). It also answers NVA's `/verified-funding/nfr/{nr}`.

use super::server::{Reply, Request};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prosjektbanken")
}

pub fn projects() -> Vec<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(fixtures().join("projectlist.json")).unwrap()).unwrap()
}

pub const SHELL_PAGE: &str = "<!DOCTYPE html><html><head><title>Prosjektbanken</title></head><body><div id=\"root\"></div><script src=\"/app.js\"></script></body></html>";

/// Serves the fixtures.
pub struct Prosjektbanken {
    projects: Vec<serde_json::Value>,
}

impl Default for Prosjektbanken {
    fn default() -> Self {
        Prosjektbanken {
            projects: projects(),
        }
    }
}

impl Prosjektbanken {
    pub fn handle(&self, req: &Request) -> Reply {
        let number =
            |k: &str, default: usize| req.param(k).and_then(|v| v.parse().ok()).unwrap_or(default);
        match req.path.as_str() {
            "/prosjektbanken/rest/projectlist" => {
                let (offset, count) = (number("offset", 0), number("resultCount", 30));
                let page: Vec<_> = self
                    .projects
                    .iter()
                    .skip(offset)
                    .take(count)
                    .cloned()
                    .collect();
                Reply::json(200, serde_json::json!({"projects": page}).to_string())
            }
            "/prosjektbanken/rest/cristin/search" => {
                let (from, size) = (number("from", 0), number("size", 10));
                let hits: Vec<_> = self
                    .projects
                    .iter()
                    .skip(from)
                    .take(size)
                    .map(|p| {
                        serde_json::json!({
                            "projectId": p["id"],
                            "activeFrom": p["duration"]["startYear"].as_u64().map(|y| format!("{y}-01-01T00:00:00Z")),
                            "activeTo": p["duration"]["endYear"].as_u64().map(|y| format!("{y}-12-31T00:00:00Z")),
                            "leadName": p["leadName"],
                            "norwegian": {"title": p["title"]},
                            "english": {"title": null},
                        })
                    })
                    .collect();
                let body = serde_json::json!({"totalHits": self.projects.len(), "from": from, "size": size, "hits": hits});
                Reply::json(200, body.to_string())
            }
            // NVA's record of an NFR project (synthetic, in the shape of Sikt's openapi), for the
            // one seed project whose listing has no period and no lead.
            "/verified-funding/nfr/349999" => Reply::json(
                200,
                r#"{"id":"https://api.nva.unit.no/verified-funding/nfr/349999","identifier":"349999","name":{"nb":"Innovasjon i kommunale hjemmebaserte helsetjenester","en":"Innovation in municipal home-based healthcare services"},"lead":"NORCE Norwegian Research Centre AS","activeFrom":"2022-01-01T00:00:00Z","activeTo":"2025-12-31T00:00:00Z"}"#,
            ),
            path if path.starts_with("/verified-funding/nfr/") => Reply::json(
                404,
                r#"{"title":"Not Found","status":404,"detail":"Could not find funding","requestId":"x"}"#,
            ),
            path => match path.strip_prefix("/project/FORISS/") {
                Some(nr) => match std::fs::read(fixtures().join(format!("project-{nr}.html"))) {
                    Ok(html) => Reply::text(200, "text/html; charset=utf-8", html),
                    Err(_)
                        if self
                            .projects
                            .iter()
                            .any(|p| p["id"].as_u64().is_some_and(|id| id.to_string() == nr)) =>
                    {
                        Reply::text(200, "text/html; charset=utf-8", SHELL_PAGE)
                    }
                    Err(_) => Reply::text(404, "text/html", "<h1>Not found</h1>"),
                },
                None => Reply::text(404, "text/plain", "not found"),
            },
        }
    }
}
