//! A small HTTP/1.1 server on 127.0.0.1:0 for end-to-end tests.
//!
//! Hand-written on std::net rather than wiremock because the tests need what a mock framework
//! cannot do: reset a connection (RST via SO_LINGER 0), send fewer bytes than Content-Length,
//! and log arrival times and requests in flight to check rate and concurrency limits.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// When it arrived.
    pub at: Instant,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A normal response after `delay`.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Reset the connection without answering.
    Reset,
    /// Announce `body.len()` bytes but send only `send` of them, then close.
    Truncate {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        send: usize,
    },
}

impl Reply {
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } | Reply::Truncate { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    pub fn delayed(mut self, d: Duration) -> Self {
        if let Reply::Respond { delay, .. } = &mut self {
            *delay = d;
        }
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// What every connection thread shares.
struct Shared {
    log: Mutex<Vec<Request>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    handler: Box<Handler>,
}

/// A running server; stops accepting when dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            log: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            handler: Box::new(handler),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (accept_shared, accept_stop) = (shared.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = accept_shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Server { addr, shared, stop }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            return;
        };
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        if method != "GET" {
            let _ = write_response(&mut stream, 405, &[], b"", 0);
            return;
        }
        let url = url::Url::parse(&format!("http://localhost{target}")).unwrap();
        let request = Request {
            at: Instant::now(),
            path: url.path().to_string(),
            query: url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers,
        };
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        shared.log.lock().unwrap().push(request.clone());
        let reply = (shared.handler)(&request);
        let keep_open = match reply {
            Reply::Respond {
                status,
                headers,
                body,
                delay,
            } => {
                std::thread::sleep(delay);
                let ok = write_response(&mut stream, status, &headers, &body, body.len());
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
                ok
            }
            Reply::Reset => {
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                return;
            }
            Reply::Truncate {
                status,
                headers,
                body,
                send,
            } => {
                let _ = write_response(
                    &mut stream,
                    status,
                    &headers,
                    &body[..send.min(body.len())],
                    body.len(),
                );
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
                let _ = stream.shutdown(std::net::Shutdown::Both);
                return;
            }
        };
        if !keep_open {
            return;
        }
    }
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    length: usize,
) -> bool {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("content-length: {length}\r\n\r\n"));
    stream.write_all(head.as_bytes()).is_ok()
        && stream.write_all(body).is_ok()
        && stream.flush().is_ok()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Asserts that no more than `limit` of `requests` arrived within any one second.
///
/// Arrival times at the server jitter with the machine's load (a request delayed on its way
/// in looks closer to the next one), so the window is 900 ms: a missing or looser limiter
/// still puts more than `limit` requests inside it.
pub fn assert_at_most_per_second(requests: &[Request], limit: usize) {
    for (i, r) in requests.iter().enumerate() {
        let window = requests[i..]
            .iter()
            .filter(|s| s.at.duration_since(r.at) < std::time::Duration::from_millis(900))
            .count();
        assert!(
            window <= limit,
            "{window} requests within a second of request {i}"
        );
    }
}
