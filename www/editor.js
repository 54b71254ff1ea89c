// The editor glue: a CodeMirror 6 editor that the Yew app drives from Rust.
// Bundled by esbuild into an IIFE with the global name `LayerlabEditor`
// (see Trunk.toml). The Rust side owns all Dockerfile knowledge: it is told
// about every change and answers with diagnostics, which are shown here.
import {
  EditorView, keymap, lineNumbers, highlightActiveLineGutter, highlightSpecialChars,
  drawSelection, dropCursor, rectangularSelection, crosshairCursor, highlightActiveLine,
} from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import {
  StreamLanguage, foldGutter, indentOnInput, syntaxHighlighting, defaultHighlightStyle,
  bracketMatching, foldKeymap,
} from "@codemirror/language";
import { history, defaultKeymap, historyKeymap } from "@codemirror/commands";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { dockerFile } from "@codemirror/legacy-modes/mode/dockerfile";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import { oneDark } from "@codemirror/theme-one-dark";

// codemirror's basicSetup without autocompletion, which has nothing to
// offer here (no completion source knows Dockerfiles) and was 7% of the
// bundle's gzip.
const setup = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  foldGutter(),
  drawSelection(),
  dropCursor(),
  EditorState.allowMultipleSelections.of(true),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  bracketMatching(),
  closeBrackets(),
  rectangularSelection(),
  crosshairCursor(),
  highlightActiveLine(),
  highlightSelectionMatches(),
  keymap.of([
    ...closeBracketsKeymap,
    ...defaultKeymap,
    ...searchKeymap,
    ...historyKeymap,
    ...foldKeymap,
    ...lintKeymap,
  ]),
];

// The legacy Dockerfile mode, taught two things it does not know: parser
// directives (`# syntax=…`, `# escape=…`, `# check=…` at the very top, before
// any other line, as BuildKit reads them) and heredocs (`RUN <<EOF` … `EOF`:
// the body is text, not instructions, and `<<-` allows tabs before the end).
const DIRECTIVE = /^#\s*(syntax|escape|check)\s*=/i;
const HEREDOC_LINE = /^\s*(run|copy|add)\b/i;
// A word that starts with << (or <<-): BuildKit reads heredocs word by word,
// so `<<<here-string` and `$((1<<2))` are none.
const HEREDOC = /(?:^|\s)<<(-?)(["']?)([^\s<"']+)\2(?=\s|$)/g;
const dockerfileMode = {
  name: "dockerfile",
  startState: () => ({
    inner: dockerFile.startState(),
    heredocs: [],
    top: true,
    // The part of a directive line next: 0 none, 1 `#`, 2 name, 3 `=`, 4 value.
    directive: 0,
    escape: "\\",
    // The line before was an instruction that may open heredocs and went on.
    continued: false,
  }),
  copyState: (s) => ({ ...s, inner: dockerFile.copyState(s.inner), heredocs: s.heredocs.map((h) => ({ ...h })) }),
  token(stream, state) {
    if (stream.sol()) state.directive = state.top && DIRECTIVE.test(stream.string) ? 1 : 0;
    if (state.directive) {
      // `#` `syntax` `=` `docker/dockerfile:1`: the name as an instruction's.
      const part = state.directive++;
      if (part === 1 && stream.match(/^#\s*/)) return "meta";
      if (part === 2 && stream.match(/^[A-Za-z]+/)) return "keyword";
      if (part === 3 && stream.match(/^\s*=\s*/)) return "operator";
      const m = /^#\s*escape\s*=\s*(\S)/i.exec(stream.string);
      if (m) state.escape = m[1];
      stream.skipToEnd();
      state.directive = 0;
      return "string";
    }
    if (stream.sol() && state.heredocs.length > 0) {
      const end = state.heredocs[0];
      const line = end.strip ? stream.string.replace(/^\t+/, "") : stream.string;
      stream.skipToEnd();
      if (line === end.word) {
        state.heredocs.shift();
        return "keyword";
      }
      return "string";
    }
    if (stream.sol()) {
      state.top = false;
      const line = stream.string;
      if (state.continued || HEREDOC_LINE.test(line)) {
        for (const m of line.matchAll(HEREDOC)) state.heredocs.push({ word: m[3], strip: m[1] === "-" });
        // `RUN a && \` goes on to the next line (a comment line does not
        // end it, as in BuildKit).
        const body = line.trimEnd();
        state.continued = body.endsWith(state.escape) || (state.continued && /^\s*#/.test(line));
      }
    }
    return dockerFile.token(stream, state.inner);
  },
  blankLine(state) {
    state.top = false;
  },
  languageData: dockerFile.languageData,
};

// Creates an editor in `parent` holding `doc`. `onChange(text)` is called with
// the whole document after every edit; `onRun()` on Ctrl/Cmd+Enter.
export function create(parent, doc, onChange, onRun) {
  // The page's theme is <html data-theme>; the editor follows it.
  const theme = new Compartment();
  const themed = () => (document.documentElement.dataset.theme === "light" ? [] : oneDark);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        setup,
        theme.of(themed()),
        StreamLanguage.define(dockerfileMode),
        lintGutter(),
        // Highest precedence: the default keymap binds Mod-Enter to
        // insertBlankLine, and it would win by coming first.
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => { onRun(); return true; } }])),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            // The start of "keystroke → findings on screen" (app.rs measures the end).
            performance.mark("layerlab:edit");
            onChange(u.state.doc.toString());
          }
        }),
        EditorView.contentAttributes.of({ "aria-label": "Dockerfile" }),
      ],
    }),
  });
  new MutationObserver(() => view.dispatch({ effects: theme.reconfigure(themed()) }))
    .observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return view;
}

// Shows diagnostics: an array of {from, to, severity, message, source, url,
// fix, ignore} (fix and ignore: {title, changes: [{from, to, insert}]}) with offsets in UTF-16 code
// units, clamped to the document. A fix and the "ignore here" pragma become
// actions; a rule's url a link in the tooltip.
export function showDiagnostics(view, diagnostics) {
  const len = view.state.doc.length;
  const clamp = (n) => Math.min(Math.max(n, 0), len);
  const shown = diagnostics.map((d) => {
    const from = clamp(d.from);
    const to = Math.max(clamp(d.to), from);
    const out = { from, to, severity: d.severity, message: d.message, source: d.source };
    if (d.url) {
      out.renderMessage = () => {
        const span = document.createElement("span");
        span.textContent = d.message;
        const rule = document.createElement("span");
        rule.className = "layerlab-rule";
        rule.textContent = d.name ? `${d.source} · ${d.name} · ` : `${d.source} · `;
        const a = document.createElement("a");
        a.href = d.url;
        a.className = "layerlab-rule-link";
        a.textContent = "rule page";
        rule.append(a);
        span.append(rule);
        return span;
      };
    }
    const action = (fix) => ({
      name: fix.title,
      apply: (v) => v.dispatch({ changes: fix.changes.map((c) => ({ from: clamp(c.from), to: clamp(c.to), insert: c.insert })) }),
    });
    out.actions = [d.fix, d.ignore].filter(Boolean).map(action);
    return out;
  });
  view.dispatch(setDiagnostics(view.state, shown));
}

// Moves the cursor to an offset and focuses the editor (from the diagnostics list).
export function focusAt(view, offset) {
  const pos = Math.min(Math.max(offset, 0), view.state.doc.length);
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
  view.focus();
}

// Replaces the whole document (an example or a link was opened); the
// change reaches onChange like any edit.
export function setText(view, text) {
  if (view.state.doc.toString() === text) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
}

export function getText(view) {
  return view.state.doc.toString();
}
