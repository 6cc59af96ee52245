//! What the end-to-end tests share: a `brasa serve` on a free loopback port, killed when dropped.
//! Each test crate uses part of it.
#![allow(dead_code)]

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh directory for one test's files.
pub fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("end-to-end-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A loopback port nobody listens on (bound and released at once).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `brasa serve`, killed when dropped (also on a failed assertion).
pub struct Server {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
    log: PathBuf,
}

impl Server {
    /// `brasa serve --app conformance` on a free port, its output in `dir`.
    pub fn start(dir: &Path) -> Server {
        let port = free_port();
        let log = dir.join("server.log");
        let child = Command::new(env!("CARGO_BIN_EXE_brasa"))
            .args(["serve", "--app", "conformance", "--addr", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(File::create(dir.join("server.out")).unwrap())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .expect("brasa serve starts");
        let mut server = Server { child, port, log };
        let start = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("brasa serve exited at start ({status}):\n{}", server.log_tail());
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "brasa serve did not listen on 127.0.0.1:{port} within 20 s:\n{}",
                server.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn target(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        tail(&std::fs::read_to_string(&self.log).unwrap_or_default(), 40)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
