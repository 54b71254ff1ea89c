//! The web face's own logic, in headless Chromium: diagnostics become the
//! UTF-16 offsets CodeMirror counts, with 1-based line and column; builds
//! through the page's session keep their cache, and the Layers tab's file
//! marks are the same whether a layer was built or read back from the store.
#![cfg(target_arch = "wasm32")]

use layerlab::dockerfile::analyze;
use layerlab::web::problems::problems;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn diagnostics_use_utf16_offsets() {
    // "😀" is 4 bytes in UTF-8 and 2 code units in UTF-16.
    let src = "# 😀 emoji first\nFROM alpine:3.20\nCOPY --form=x a b\n";
    let a = analyze(src);
    let p = problems(src, &a, &layerlab::lint::lint(src, &a));
    assert_eq!(p.len(), 1);
    let flag_utf16 = src[..src.find("--form").unwrap()].encode_utf16().count();
    assert_eq!(p[0].from, flag_utf16);
    assert_eq!(p[0].to, flag_utf16 + "--form=x".len());
    assert_eq!((p[0].line, p[0].col), (3, 6));
    assert_eq!(p[0].severity, "error");
}

#[wasm_bindgen_test]
fn rule_findings_carry_code_link_and_fix_in_utf16() {
    let src = "# é\nFROM a:1\nENV A b\n";
    let a = analyze(src);
    let p = problems(src, &a, &layerlab::lint::lint(src, &a));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].source, "LegacyKeyValueFormat");
    // The rule page is the page's own, offline.
    assert_eq!(p[0].url.as_deref(), Some("#rule/LegacyKeyValueFormat"));
    let fix = p[0].fix.as_ref().unwrap();
    let start = src[..src.find("A b").unwrap()].encode_utf16().count();
    assert_eq!((fix.changes[0].from, fix.changes[0].to), (start, start + 3));
    assert_eq!(fix.changes[0].insert, "A=b");
}

mod builds {
    use layerlab::share::File;
    use layerlab::vfs::ChangeKind;
    use layerlab::web::build::{
        Attempt, FileChange, ImageView, LayerOrigin, LayerView, LogStep, Session, StepState,
    };
    use layerlab::web::examples::Example;
    use wasm_bindgen_test::*;

    /// A build against the default example's context, with no options.
    fn run(session: &Session, df: &str) -> (Attempt, Option<ImageView>) {
        let files: Vec<File> = Example::default_example().playground().files;
        session.run(df, &files, &[], None)
    }

    fn paths(l: &LayerView) -> Vec<(String, ChangeKind)> {
        let changes = l.changes.as_ref().expect("the layer was read");
        let mut v: Vec<(String, ChangeKind)> = changes
            .iter()
            .map(|c: &FileChange| (c.path.clone(), c.kind))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    #[wasm_bindgen_test]
    fn a_cached_layer_read_back_shows_what_the_step_changed_when_it_ran() {
        let session = Session::new();
        let df = "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\n";
        let (first, built) = run(&session, df);
        assert_eq!(first.failure, None);
        let built = built.expect("an image");
        let origins: Vec<LayerOrigin> = built.layers.iter().map(|l| l.origin).collect();
        assert_eq!(
            origins,
            [LayerOrigin::Base, LayerOrigin::Built, LayerOrigin::Built]
        );

        // The same store: every step hits, and the layers are read from their
        // blobs instead of the build's change sets, with the same marks.
        let (again, cached) = run(&session, df);
        assert!(again.steps.iter().all(|s| s.state == StepState::Cached));
        let cached = cached.expect("an image");
        assert_eq!(cached.id, built.id);
        assert_eq!(cached.layers[2].origin, LayerOrigin::Cached);
        assert_eq!(cached.layers[2].step, Some(3));
        for (b, c) in built.layers.iter().zip(&cached.layers).skip(1) {
            assert_eq!(paths(b), paths(c), "{}", b.created_by);
        }
        assert_eq!(
            paths(&cached.layers[2]),
            [
                ("/app".to_string(), ChangeKind::Modified),
                ("/app/.dockerignore".to_string(), ChangeKind::Added),
                // Part of the context, as `docker build .` sends it.
                ("/app/Dockerfile".to_string(), ChangeKind::Added),
                ("/app/package-lock.json".to_string(), ChangeKind::Added),
                ("/app/package.json".to_string(), ChangeKind::Added),
                ("/app/server.js".to_string(), ChangeKind::Added),
            ]
        );
        // Docker's layer size: the files' bytes (.dockerignore 84,
        // package-lock.json 262, package.json 278, server.js 599, and the
        // Dockerfile), not the tar.
        let copy = &cached.layers[2];
        assert_eq!(copy.tar_size, Some(84 + 262 + 278 + 599 + df.len() as u64));
        assert!(copy.size > 0);
    }

    #[wasm_bindgen_test]
    fn layers_of_a_stage_used_only_by_copy_from_are_not_the_image_s() {
        let session = Session::new();
        let df = "FROM alpine:3.20 AS assets\nCOPY server.js /srv/\n\nFROM busybox:1.36\nCOPY --from=assets /srv/server.js /\n";
        let (attempt, image) = run(&session, df);
        assert_eq!(attempt.failure, None);
        let image = image.expect("an image");
        assert_eq!(image.layers.len(), 2);
        assert_eq!(image.layers[0].origin, LayerOrigin::Base);
        assert_eq!(image.layers[1].step, Some(4));
        assert_eq!(
            paths(&image.layers[1]),
            [("/server.js".to_string(), ChangeKind::Added)]
        );
    }

    #[wasm_bindgen_test]
    fn a_failure_points_into_the_editor_in_utf16() {
        let session = Session::new();
        let df = "# é😀\nFROM node:18\n";
        let (attempt, image) = run(&session, df);
        assert!(image.is_none());
        let failure = attempt.failure.expect("node:18 is not offline");
        assert!(
            failure
                .message
                .starts_with("docker.io/library/node:18: not found"),
            "{}",
            failure.message
        );
        let at = failure.at.expect("a place");
        let before = &df[..df.find("node:18").unwrap()];
        assert_eq!(at.offset, before.encode_utf16().count());
        assert_eq!((at.line, at.col), (2, 6));
    }

    #[wasm_bindgen_test]
    fn a_build_reads_the_playground_s_files_arguments_and_target() {
        let session = Session::new();
        let df = "FROM busybox:1.36 AS one\nARG V\nCOPY a.txt /\nRUN echo $V && cat /a.txt\n\nFROM one AS two\nRUN echo two\n";
        let mut tool = File::new("tool", "#!/bin/sh\n");
        tool.mode = 0o755;
        let files = vec![File::new("a.txt", "from the context\n"), tool];
        let args = [("V".to_string(), "an argument".to_string())];
        let (attempt, image) = session.run(df, &files, &args, Some("one".into()));
        assert_eq!(attempt.failure, None);
        // Only stage one is built, and its RUN saw the argument and the file.
        assert_eq!(attempt.steps.len(), 3);
        let run = &attempt.steps[2];
        assert_eq!(run.output, ["an argument", "from the context"]);
        let image = image.expect("an image");
        assert_eq!(image.layers.len(), 3);
        assert_eq!(image.layers[1].step, Some(2));
        assert_eq!(
            paths(&image.layers[1]),
            [("/a.txt".to_string(), ChangeKind::Added)]
        );

        // .dockerignore leaves the file out: the COPY fails, naming it.
        let ignored = vec![files[0].clone(), File::new(".dockerignore", "*.txt\n")];
        let (attempt, image) = session.run(df, &ignored, &args, Some("one".into()));
        assert!(image.is_none());
        let failure = attempt.failure.expect("a.txt is ignored");
        assert!(failure.message.contains("a.txt"), "{}", failure.message);

        // A pattern .dockerignore cannot read stops the build before it starts.
        let broken = vec![files[0].clone(), File::new(".dockerignore", "a\n!\n")];
        let (attempt, _) = session.run(df, &broken, &args, None);
        assert!(attempt.steps.is_empty());
        let failure = attempt.failure.expect("a bad pattern");
        assert!(
            failure.message.starts_with(".dockerignore:2:"),
            "{}",
            failure.message
        );
    }

    /// What the worker sends: each step as it ends, then the attempt and the
    /// image, all through the protocol's JSON, arrive as they were made.
    #[wasm_bindgen_test]
    fn a_build_streams_its_steps_and_survives_the_worker_s_messages() {
        use layerlab::web::protocol::{Answer, Envelope};
        let session = Session::new();
        let files: Vec<File> = Example::default_example().playground().files;
        let df = "FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nRUN rm package.json\n";
        let mut streamed = Vec::new();
        let (attempt, image) =
            session.run_streaming(df, &files, &[], None, &mut |s| streamed.push(s.clone()));
        assert_eq!(attempt.failure, None);
        assert_eq!(streamed, attempt.steps, "the stream is the log");
        assert_eq!(streamed.len(), 4);

        let image = image.expect("an image");
        let wire = serde_json::to_string(&Envelope {
            id: 7,
            body: Answer::Built {
                attempt: attempt.clone(),
                image: Some(image.clone()),
            },
        })
        .expect("written");
        let back: Envelope<Answer> = serde_json::from_str(&wire).expect("read back");
        assert_eq!(back.id, 7);
        let Answer::Built {
            attempt: a,
            image: Some(i),
        } = back.body
        else {
            panic!("not a build: {wire:.200}");
        };
        // serde_json reads a float back to within an ulp of what it wrote
        // (exactly only with its float_roundtrip feature): the times and the
        // score are compared to that, all the rest exactly.
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * x.abs().max(1.0);
        let untimed = |steps: &[LogStep]| -> Vec<LogStep> {
            steps
                .iter()
                .map(|s| LogStep {
                    seconds: 0.0,
                    ..s.clone()
                })
                .collect()
        };
        assert_eq!(untimed(&a.steps), untimed(&attempt.steps));
        for (x, y) in a.steps.iter().zip(&attempt.steps) {
            assert!(close(x.seconds, y.seconds), "{} {}", x.seconds, y.seconds);
        }
        assert_eq!((i.id, i.manifest), (image.id, image.manifest));
        assert_eq!(i.layers, image.layers);
        // The RUN's layer deletes a file: its whiteout crosses intact.
        assert!(
            paths(&i.layers[3]).contains(&("/app/package.json".to_string(), ChangeKind::Deleted))
        );
        let (e1, e2) = (
            i.efficiency.as_ref().expect("scored"),
            image.efficiency.as_ref().expect("scored"),
        );
        assert!(close(e1.score, e2.score), "{} {}", e1.score, e2.score);
        assert_eq!(
            (e1.wasted, e1.total, &e1.paths),
            (e2.wasted, e2.total, &e2.paths)
        );
        assert!(
            e1.score < 1.0,
            "package.json is written and deleted: wasted"
        );
    }

    /// The compare view: an edited source file keeps the base and WORKDIR
    /// layers, the COPY's layer is new because its step missed the cache, and
    /// the RUN after it ran again but made the same layer.
    #[wasm_bindgen_test]
    fn two_builds_compare_layer_by_layer_with_the_reason_for_each_new_one() {
        use layerlab::web::compare::{Fate, compare};
        let session = Session::new();
        let mut files: Vec<File> = Example::default_example().playground().files;
        let df = "FROM alpine:3.20\nWORKDIR /app\nCOPY server.js .\nRUN echo built > /built\n";
        let (_, before) = session.run(df, &files, &[], None);
        let before = before.expect("an image");
        let server = files
            .iter_mut()
            .find(|f| f.path == "server.js")
            .expect("server.js");
        server.content.extend_from_slice(b"// edited\n");
        let (attempt, after) = session.run(df, &files, &[], None);
        let after = after.expect("an image");

        let rows = compare(&before, &after, Some(&attempt));
        let fates: Vec<&Fate> = rows.iter().map(|r| &r.fate).collect();
        // The new image's four layers, then the one it no longer has.
        assert_eq!(fates.len(), 5);
        assert_eq!(fates[..2], [&Fate::Reused, &Fate::Reused]);
        let Fate::New(copy) = fates[2] else {
            panic!("the COPY is new: {fates:?}")
        };
        assert!(copy.starts_with("step #3 ran: "), "{copy}");
        assert!(
            copy.contains("server.js"),
            "the reason names the file: {copy}"
        );
        // The RUN ran again (its parent changed) and wrote the same bytes:
        // the same layer, nothing new to push.
        let Fate::Same(run) = fates[3] else {
            panic!("the RUN's layer is the same: {fates:?}")
        };
        assert!(run.starts_with("step #4 ran: "), "{run}");
        // The COPY's old layer went (it was the third).
        assert_eq!((&rows[4].fate, rows[4].index), (&Fate::Gone, 2));
        assert_eq!(rows[4].size, before.layers[2].size);

        // The same build again: every layer is the one before.
        let (again_attempt, again) = session.run(df, &files, &[], None);
        let again = again.expect("an image");
        let rows = compare(&after, &again, Some(&again_attempt));
        assert!(rows.iter().all(|r| r.fate == Fate::Reused), "{rows:?}");
    }
}
