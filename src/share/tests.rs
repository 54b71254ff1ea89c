use super::*;
use std::io::Write;

fn sample() -> Playground {
    Playground {
        dockerfile: "FROM alpine:3.20\nCOPY . /app\nRUN /app/run.sh\n".into(),
        files: vec![
            File::new(".dockerignore", "*.md\n"),
            File {
                path: "run.sh".into(),
                content: b"#!/bin/sh\necho hi\n".to_vec(),
                mode: 0o755,
            },
            File::new("data/blob.bin", vec![0u8, 159, 146, 150, 255]),
            File::new("empty", Vec::new()),
        ],
        build_args: vec![
            ("VERSION".into(), "1.2".into()),
            ("EMPTY".into(), "".into()),
        ],
        target: Some("final".into()),
        view: Some("layers".into()),
        layer: Some(2),
    }
}

#[test]
fn round_trips() {
    let p = sample();
    assert_eq!(decode(&encode(&p)).unwrap(), p);
    assert_eq!(from_link(&link("http://x/", &p)).unwrap(), p);
    assert_eq!(from_file_json(&to_file_json(&p)).unwrap(), p);
    let empty = Playground::default();
    assert_eq!(decode(&encode(&empty)).unwrap(), empty);
    assert_eq!(from_file_json(&to_file_json(&empty)).unwrap(), empty);
}

#[test]
fn payload_is_url_safe_and_versioned() {
    let s = encode(&sample());
    assert!(s.starts_with("1."), "{s}");
    assert!(
        s[2..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{s}"
    );
}

#[test]
fn defaults_are_left_out() {
    let json = serde_json::to_string(&LinkV1::from(&Playground {
        dockerfile: "FROM scratch\n".into(),
        files: vec![File::new("a", "x")],
        ..Playground::default()
    }))
    .unwrap();
    assert_eq!(json, r#"{"d":"FROM scratch\n","f":[{"p":"a","t":"x"}]}"#);
    assert_eq!(
        serde_json::to_string(&LinkV1::from(&Playground::default())).unwrap(),
        "{}"
    );
    // A one-line Dockerfile makes a link that fits anywhere.
    let short = link(
        "http://127.0.0.1:8080/",
        &Playground {
            dockerfile: "FROM alpine:3.20\nRUN echo hello\n".into(),
            ..Playground::default()
        },
    );
    assert!(short.len() < 100, "{short}");
}

#[test]
fn deterministic() {
    let a = encode(&sample());
    for _ in 0..3 {
        assert_eq!(encode(&sample()), a);
    }
    assert_eq!(to_file_json(&sample()), to_file_json(&sample()));
}

/// A version-1 link as layerlab wrote it when the format was made. It must
/// open as `sample()` forever: if this fails, old links broke.
const V1_LINK: &str = "http://127.0.0.1:8080/#s=1.PY5LC4JAFIX_it12JTNlLWqgRYRBQRn2gFAXY445NI6DWhDhf-_23N1zzncO9wEJMJj73sriykgt2IA4vVDPvM3RIhblxoTa36_fFy2vmlRZqMGGFFjwAINlkhSniyjlWRelwKRGr0PyBLHG_iCf3jdrt2gsNX3tiFNWWJl8D-bAhuPBr5HwmtNYFTFBFtMYvemyu1W30eQ_K3JT37-r0EQ2cHwqgIPrbxfeGoM-cSCyA3BXm90RNUQIVUinUnOFxg1vxe-irFAoYE7zBA";

#[test]
fn v1_links_keep_opening_the_same_state() {
    assert_eq!(from_link(V1_LINK).unwrap(), sample());
}

/// The same state as the encoder writes it today (miniz_oxide since
/// 2026-12-03; `V1_LINK` came from zlib-rs).
const V1_LINK_NOW: &str = "http://127.0.0.1:8080/#s=1.PY5PC4JAFMS_ir1uJbtlHWqhQ0RBQRn2B0I9rLnl0rouakGE371XWrc3M78Z3gtiYLDw3LXFlZFasAFxeoGeuduTRSzKjQm0d9h8L5rfNSmSQIMNF2D-CwyWSZydbyKXV53lApMSvQ5JY8Qqu0bqXpO1WzSSmn52xDnJrER-B1Ngw_Hg14h5yWmksoggi2mE3nTV3anHaPKfFakpn80qVKENHJ_y4Tj3dkt3g0GfOBDaPszX2_0JNYQIFUhfpOYKjQfeij9FXqBQwJzqDQ";

/// The encoder still writes exactly this. It may change with a compression
/// library without breaking anything (the test above is what must hold),
/// but then links to the same state change too: know it.
#[test]
fn encoder_writes_the_fixture() {
    assert_eq!(link("http://127.0.0.1:8080/", &sample()), V1_LINK_NOW);
    assert_eq!(from_link(V1_LINK_NOW).unwrap(), sample());
}

#[test]
fn from_link_takes_a_url_a_fragment_or_a_payload() {
    let p = sample();
    let payload = encode(&p);
    for s in [
        format!("https://example.com/play/?x=1#s={payload}"),
        format!("#s={payload}"),
        format!("s={payload}"),
        format!("#other=1&s={payload}"),
        payload.clone(),
        format!("  {payload}\n"),
    ] {
        assert_eq!(from_link(&s).unwrap(), p, "{s}");
    }
}

#[test]
fn link_replaces_an_existing_fragment() {
    let l = link("http://h/#s=1.old", &Playground::default());
    assert_eq!(l.matches('#').count(), 1, "{l}");
}

#[test]
fn unknown_version_is_named() {
    let e = decode("7.AAAA").unwrap_err();
    assert_eq!(e, ShareError::UnknownVersion("7".into()));
    assert!(e.to_string().contains("version 7"), "{e}");
    assert_eq!(decode("hello").unwrap_err(), ShareError::NotALink);
    assert_eq!(decode("x.AAAA").unwrap_err(), ShareError::NotALink);
    let e = from_file_json(r#"{"layerlab": 2, "future": true}"#).unwrap_err();
    assert_eq!(e, ShareError::UnknownStateVersion("2".into()));
    assert!(matches!(
        from_file_json(r#"{"dockerfile": ""}"#).unwrap_err(),
        ShareError::NotAState(_)
    ));
}

#[test]
fn unknown_keys_are_refused_not_dropped() {
    let json = br#"{"d":"FROM scratch","z":1}"#;
    let payload = pack(json);
    assert!(matches!(decode(&payload), Err(ShareError::Corrupt(_))));
}

/// A payload made from raw JSON, as a hostile link would be.
fn pack(json: &[u8]) -> String {
    // Another encoder than the one `encode` uses: any deflate opens.
    let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    d.write_all(json).unwrap();
    format!("1.{}", URL_SAFE_NO_PAD.encode(d.finish().unwrap()))
}

fn with_files(files: Vec<File>) -> Playground {
    Playground {
        files,
        ..Playground::default()
    }
}

#[test]
fn hostile_paths_are_refused() {
    for path in [
        "",
        "/etc/passwd",
        "../x",
        "a/../../x",
        "a/..",
        "./a",
        "a//b",
        "a/",
        "a\\..\\x",
        "C:\\x",
        "a\0b",
        "a\nb",
        "\u{1b}[31mred",
        &"a".repeat(MAX_COMPONENT + 1),
        &"a/".repeat(MAX_PATH / 2 + 1),
    ] {
        let p = with_files(vec![File::new(path, "x")]);
        let e = decode(&encode(&p)).unwrap_err();
        assert!(matches!(e, ShareError::BadPath { .. }), "{path:?}: {e}");
        let e = from_file_json(&to_file_json(&p)).unwrap_err();
        assert!(matches!(e, ShareError::BadPath { .. }), "{path:?}: {e}");
    }
    for path in [
        "a",
        "a/b/c",
        ".dockerignore",
        "x..y",
        "..a",
        "dir with space/ü.txt",
    ] {
        check_path(path).unwrap();
    }
}

#[test]
fn files_that_cannot_all_be_written_are_refused() {
    let dup = with_files(vec![File::new("a", "1"), File::new("a", "2")]);
    assert!(matches!(
        decode(&encode(&dup)),
        Err(ShareError::DuplicatePath { .. })
    ));
    let nested = with_files(vec![
        File::new("a", "1"),
        File::new("a.txt", "2"),
        File::new("a/b", "3"),
    ]);
    assert!(matches!(
        decode(&encode(&nested)),
        Err(ShareError::FileIsDirectory { .. })
    ));
    let setuid = with_files(vec![File {
        mode: 0o4755,
        ..File::new("a", "1")
    }]);
    assert!(matches!(
        decode(&encode(&setuid)),
        Err(ShareError::BadMode { .. })
    ));
}

#[test]
fn bounds() {
    let many = with_files(
        (0..=MAX_FILES)
            .map(|i| File::new(format!("f{i}"), ""))
            .collect(),
    );
    assert_eq!(
        decode(&encode(&many)).unwrap_err(),
        ShareError::TooManyFiles {
            count: MAX_FILES + 1
        }
    );
    assert!(matches!(
        decode(&format!("1.{}", "A".repeat(MAX_PAYLOAD))),
        Err(ShareError::PayloadTooLong { .. })
    ));
    // A deflate bomb: a few kilobytes that would inflate to 10 MiB.
    let mut bomb = b"{\"d\":\"".to_vec();
    bomb.extend(std::iter::repeat_n(b'A', 10 << 20));
    let payload = pack(&bomb);
    assert!(payload.len() < MAX_PAYLOAD, "{}", payload.len());
    assert_eq!(decode(&payload).unwrap_err(), ShareError::Inflated);
    let big = Playground {
        dockerfile: "#".repeat(MAX_SOURCE_BYTES + 1),
        ..Playground::default()
    };
    assert!(matches!(
        from_file_json(&to_file_json(&big)),
        Err(ShareError::DockerfileTooLong { .. })
    ));
    let args = Playground {
        build_args: vec![("A=B".into(), "x".into())],
        ..Playground::default()
    };
    assert!(matches!(
        decode(&encode(&args)),
        Err(ShareError::BadName { .. })
    ));
    assert!(matches!(
        from_file_json(&"x".repeat(MAX_STATE_FILE + 1)),
        Err(ShareError::StateTooLong { .. })
    ));
}

#[test]
fn chat_limit() {
    assert!(!too_long(&"x".repeat(CHAT_LIMIT)));
    assert!(too_long(&"x".repeat(CHAT_LIMIT + 1)));
}

#[test]
fn state_file_is_readable_json() {
    let text = to_file_json(&sample());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["layerlab"], 1);
    assert_eq!(v["files"][1]["text"], "#!/bin/sh\necho hi\n");
    assert_eq!(v["files"][1]["mode"], "0755");
    assert_eq!(v["files"][2]["base64"], "AJ+Slv8=");
}

/// A small deterministic generator: the core takes no randomness.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn garbage_never_panics() {
    let good = link("http://h/", &sample());
    let good_payload = encode(&sample());
    // Every truncation of a good link.
    for i in 0..good.len() {
        let _ = from_link(&good[..i]);
    }
    let mut rng = Lcg(42);
    let alphabet =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.#=&s/\\ \0\xff";
    for round in 0..3000 {
        // Random text, some of it shaped like a payload.
        let len = (rng.next() % 200) as usize;
        let mut s: Vec<u8> = (0..len)
            .map(|_| alphabet[(rng.next() as usize) % alphabet.len()])
            .collect();
        if round % 2 == 0 {
            s.splice(0..0, *b"1.");
        }
        let _ = from_link(&String::from_utf8_lossy(&s));
        // A good payload with bytes flipped: valid base64 over broken deflate.
        let mut flipped = good_payload.clone().into_bytes();
        for _ in 0..1 + rng.next() % 4 {
            let at = 2 + (rng.next() as usize) % (flipped.len() - 2);
            flipped[at] = b"AZaz09-_"[(rng.next() % 8) as usize];
        }
        let _ = decode(&String::from_utf8_lossy(&flipped));
        // Random bytes deflated: valid deflate over garbage JSON.
        let raw: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = decode(&pack(&raw));
        let _ = from_file_json(&String::from_utf8_lossy(&raw));
    }
    // JSON that is well formed but wrong in every field.
    for json in [
        r#"{"d":1}"#,
        r#"{"f":[{"p":"a"}]}"#,
        r#"{"f":[{"p":"a","t":"x","b":"eA"}]}"#,
        r#"{"f":[{"p":"a","b":"!!"}]}"#,
        r#"{"f":[{"p":"a","t":"x","m":-1}]}"#,
        r#"{"f":[{"p":"a","t":"x","m":99999999999}]}"#,
        r#"{"a":[["k"]]}"#,
        r#"{"l":-1}"#,
        r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]"#,
    ] {
        assert!(decode(&pack(json.as_bytes())).is_err(), "{json}");
    }
    for json in [
        r#"{"layerlab":1,"files":[{"path":"a","mode":"+755","text":""}]}"#,
        r#"{"layerlab":1,"files":[{"path":"a","mode":"9","text":""}]}"#,
        r#"{"layerlab":1,"files":[{"path":"a","mode":"","text":""}]}"#,
        r#"{"layerlab":"1"}"#,
        r#"{"layerlab":1.5}"#,
        r#"[]"#,
    ] {
        assert!(from_file_json(json).is_err(), "{json}");
    }
}
