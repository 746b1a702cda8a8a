//! Checking a certificate token with no database: `safar certificate verify`. The keys come
//! from a saved `safar-keys.json`, from a server's `/.well-known/safar-keys.json` over plain
//! HTTP, or from the public halves of a local signing key file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::platform::signing::{KeySet, SigningKeys};

/// Largest key set read (a few keys are a few hundred bytes).
const MAX_KEYS: usize = 256 * 1024;

/// Reads the published keys from a file or an `http://` address.
pub fn key_set(source: &str) -> anyhow::Result<KeySet> {
    let text = if source.starts_with("https://") {
        bail!(
            "this command does not speak HTTPS: save {source} with a browser or curl and pass the file"
        );
    } else if let Some(rest) = source.strip_prefix("http://") {
        http_get(rest)?
    } else {
        let bytes = std::fs::read(source).with_context(|| format!("cannot read {source}"))?;
        if bytes.len() > MAX_KEYS {
            bail!("{source} is too large to be a key set");
        }
        String::from_utf8(bytes).context("the key set is not UTF-8")?
    };
    serde_json::from_str(&text).context("not a safar-keys.json key set")
}

/// The public halves of a local signing key file.
pub fn local_key_set(path: &Path) -> anyhow::Result<KeySet> {
    Ok(SigningKeys::load(path)?.key_set())
}

/// A minimal HTTP/1.1 GET of `host[:port]/path`, for a server's published keys.
fn http_get(rest: &str) -> anyhow::Result<String> {
    let (authority, path) = rest
        .split_once('/')
        .unwrap_or((rest, ".well-known/safar-keys.json"));
    let address = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let mut stream =
        TcpStream::connect(&address).with_context(|| format!("cannot reach {address}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.take(MAX_KEYS as u64).read_to_end(&mut response)?;
    let text = String::from_utf8(response).context("the answer is not UTF-8")?;
    let (head, body) = text.split_once("\r\n\r\n").context("not an HTTP answer")?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        bail!(
            "the server answered {}",
            head.lines().next().unwrap_or_default()
        );
    }
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Ok(dechunk(body));
    }
    Ok(body.to_string())
}

/// Joins the chunks of a chunked body.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk("4\r\n{\"ke\r\n3\r\nys\"\r\n0\r\n\r\n"), "{\"keys\"");
    }

    #[test]
    fn keys_are_read_from_a_server_over_http() {
        use std::io::{BufRead, BufReader};
        let keys = SigningKeys::generate().key_set();
        let body = serde_json::to_string(&keys).unwrap_or_default();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("one request");
            let mut request = String::new();
            let mut reader = BufReader::new(&stream);
            let _ = reader.read_line(&mut request);
            // Read the whole request before answering: closing a socket with unread input
            // resets the connection, and the client may then lose the answer.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
            request
        });
        let got = key_set(&format!(
            "http://127.0.0.1:{port}/.well-known/safar-keys.json"
        ))
        .map(|k| k.keys);
        assert_eq!(got.ok(), Some(keys.keys));
        let request = server.join().unwrap_or_default();
        assert!(
            request.starts_with("GET /.well-known/safar-keys.json HTTP/1.1"),
            "{request}"
        );
    }

    #[test]
    fn https_is_refused_with_advice() {
        let e = key_set("https://safar.example/.well-known/safar-keys.json");
        assert!(e.is_err_and(|e| e.to_string().contains("curl")));
    }
}
