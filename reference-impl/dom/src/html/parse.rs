//! An HTML fragment parser for markup frames: what `template.innerHTML = markup` (or, under an
//! SVG parent, `g.innerHTML = markup`) builds in a browser.
//!
//! The tokenizer follows the HTML standard's states for data, tags, attributes, comments,
//! character references (the full named table), RCDATA / RAWTEXT / PLAINTEXT and CDATA in
//! foreign content, with the input stream's newline normalisation. The tree builder covers what
//! markup blocks contain: the "in body" rules for implied end tags (`p`, `li`, `dd`/`dt`,
//! `option`, headings), void elements, `template` contents, table sections and rows (implied
//! `tbody` and `tr`), raw text elements, and SVG / MathML content with its case adjustments and
//! breakout tags. It does not run the adoption agency algorithm for misnested formatting
//! elements, foster-parent content misplaced in tables, or reconstruct active formatting elements:
//! on well-formed markup (which is what Razor emits) these never act.

use super::entities::{ENTITIES, LONGEST};
use super::names::{
    adjust_svg_attribute_name, adjust_svg_tag_name, breaks_out_of_foreign, closes_p, is_heading, is_special_html,
    is_void,
};
use rustc_hash::FxHashMap;

use crate::node::{Arena, Attribute, Content, Namespace, NodeId};

/// Where the fragment is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseContext {
    /// In a `<template>` (HTML content).
    Template,
    /// In an SVG `<g>` (the markup's parent is SVG).
    SvgGroup,
}

/// Parses `markup` into a new fragment node and returns it; its DOM children are the result.
pub(crate) fn parse_fragment(arena: &mut Arena, markup: &str, context: ParseContext) -> NodeId {
    let root = arena.create(Content::Fragment);
    let mut tokenizer = Tokenizer::new(markup);
    let mut builder = Builder {
        arena,
        root,
        context,
        stack: Vec::new(),
        open: FxHashMap::default(),
        skip_newline: false,
    };
    loop {
        tokenizer.allow_cdata = !builder.adjusted_current_is_html();
        let Some(mut token) = tokenizer.next_token() else { break };
        if std::mem::take(&mut builder.skip_newline) {
            if let Token::Text(text) = &mut token {
                if text.starts_with('\n') {
                    text.remove(0);
                }
            }
        }
        if let Some(raw) = builder.process(token) {
            tokenizer.raw = Some(raw);
        }
    }
    root
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// `textarea`, `title`: text with character references.
    RcData,
    /// `style`, `script`, `xmp`, `iframe`, `noembed`, `noframes`, `noscript`: text as is.
    RawText,
    /// `plaintext`: the rest of the input.
    PlainText,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Start {
        name: String,
        attributes: Vec<Attribute>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    Text(String),
    Comment(String),
}

struct Tokenizer {
    input: Vec<char>,
    pos: usize,
    raw: Option<(RawKind, String)>,
    allow_cdata: bool,
}

fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0C' | ' ')
}

/// Windows-1252 meanings of numeric references to C1 controls.
fn c1_replacement(value: u32) -> Option<char> {
    Some(match value {
        0x80 => '\u{20AC}',
        0x82 => '\u{201A}',
        0x83 => '\u{0192}',
        0x84 => '\u{201E}',
        0x85 => '\u{2026}',
        0x86 => '\u{2020}',
        0x87 => '\u{2021}',
        0x88 => '\u{02C6}',
        0x89 => '\u{2030}',
        0x8A => '\u{0160}',
        0x8B => '\u{2039}',
        0x8C => '\u{0152}',
        0x8E => '\u{017D}',
        0x91 => '\u{2018}',
        0x92 => '\u{2019}',
        0x93 => '\u{201C}',
        0x94 => '\u{201D}',
        0x95 => '\u{2022}',
        0x96 => '\u{2013}',
        0x97 => '\u{2014}',
        0x98 => '\u{02DC}',
        0x99 => '\u{2122}',
        0x9A => '\u{0161}',
        0x9B => '\u{203A}',
        0x9C => '\u{0153}',
        0x9E => '\u{017E}',
        0x9F => '\u{0178}',
        _ => return None,
    })
}

impl Tokenizer {
    fn new(markup: &str) -> Self {
        // Input stream preprocessing: CR LF and lone CR become LF.
        let mut input = Vec::with_capacity(markup.len());
        let mut chars = markup.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                input.push('\n');
            } else {
                input.push(c);
            }
        }
        Tokenizer {
            input,
            pos: 0,
            raw: None,
            allow_cdata: false,
        }
    }

    fn at(&self, p: usize) -> Option<char> {
        self.input.get(p).copied()
    }

    fn starts_with(&self, p: usize, s: &str, ignore_case: bool) -> bool {
        let mut q = p;
        for c in s.chars() {
            match self.at(q) {
                Some(d) if d == c || (ignore_case && d.eq_ignore_ascii_case(&c)) => q += 1,
                _ => return false,
            }
        }
        true
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            if self.pos >= self.input.len() {
                return None;
            }
            if let Some((kind, end)) = self.raw.clone() {
                return Some(self.raw_text(kind, &end));
            }
            let p = self.pos;
            match self.input[p] {
                '<' => {
                    if let Some(token) = self.tag_open(p) {
                        return Some(token);
                    }
                    // `</>` is dropped, and a tag cut off by the end of input emits nothing.
                }
                _ => return Some(self.data_text(p)),
            }
        }
    }

    /// Text up to the next `<`, with character references decoded.
    fn data_text(&mut self, mut p: usize) -> Token {
        let mut out = String::new();
        while let Some(c) = self.at(p) {
            match c {
                '<' if p > self.pos => break,
                '<' => {
                    out.push('<');
                    p += 1;
                }
                '&' => {
                    let (text, next) = self.char_ref(p, false);
                    out.push_str(&text);
                    p = next;
                }
                c => {
                    out.push(c);
                    p += 1;
                }
            }
        }
        self.pos = p;
        Token::Text(out)
    }

    /// At a `<`: a tag, comment, doctype or CDATA section, or `None` when nothing is emitted.
    /// A `<` that opens nothing is text.
    fn tag_open(&mut self, p: usize) -> Option<Token> {
        match self.at(p + 1) {
            Some('!') => Some(self.markup_declaration(p + 2)),
            Some('/') => match self.at(p + 2) {
                Some(c) if c.is_ascii_alphabetic() => self.tag(p + 2, true),
                Some('>') => {
                    self.pos = p + 3;
                    None
                }
                None => {
                    self.pos = p + 2;
                    Some(Token::Text("</".into()))
                }
                Some(_) => Some(self.bogus_comment(p + 2)),
            },
            Some(c) if c.is_ascii_alphabetic() => self.tag(p + 1, false),
            Some('?') => Some(self.bogus_comment(p + 1)),
            _ => Some(self.data_text(p)),
        }
    }

    fn markup_declaration(&mut self, p: usize) -> Token {
        if self.starts_with(p, "--", false) {
            return self.comment(p + 2);
        }
        if self.starts_with(p, "DOCTYPE", true) {
            let mut q = p;
            while let Some(c) = self.at(q) {
                q += 1;
                if c == '>' {
                    break;
                }
            }
            self.pos = q;
            return Token::Text(String::new()); // a DOCTYPE: ignored in a fragment
        }
        if self.allow_cdata && self.starts_with(p, "[CDATA[", false) {
            let mut q = p + 7;
            let mut out = String::new();
            while q < self.input.len() && !self.starts_with(q, "]]>", false) {
                out.push(self.input[q]);
                q += 1;
            }
            self.pos = (q + 3).min(self.input.len());
            return Token::Text(out);
        }
        self.bogus_comment(p)
    }

    fn bogus_comment(&mut self, p: usize) -> Token {
        let mut q = p;
        let mut out = String::new();
        while let Some(c) = self.at(q) {
            q += 1;
            match c {
                '>' => break,
                '\0' => out.push('\u{FFFD}'),
                c => out.push(c),
            }
        }
        self.pos = q;
        Token::Comment(out)
    }

    fn comment(&mut self, p: usize) -> Token {
        #[derive(Clone, Copy)]
        enum S {
            Start,
            StartDash,
            Body,
            LessThan,
            Bang,
            BangDash,
            BangDashDash,
            EndDash,
            End,
            EndBang,
        }
        let mut data = String::new();
        let mut state = S::Start;
        let mut q = p;
        loop {
            let c = self.at(q);
            q += 1;
            let reconsume = |q: &mut usize| *q -= 1;
            match state {
                S::Start => match c {
                    Some('-') => state = S::StartDash,
                    Some('>') | None => break,
                    _ => {
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
                S::StartDash => match c {
                    Some('-') => state = S::End,
                    Some('>') | None => break,
                    _ => {
                        data.push('-');
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
                S::Body => match c {
                    Some('<') => {
                        data.push('<');
                        state = S::LessThan;
                    }
                    Some('-') => state = S::EndDash,
                    Some('\0') => data.push('\u{FFFD}'),
                    Some(c) => data.push(c),
                    None => break,
                },
                S::LessThan => match c {
                    Some('!') => {
                        data.push('!');
                        state = S::Bang;
                    }
                    Some('<') => data.push('<'),
                    _ => {
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
                S::Bang => match c {
                    Some('-') => state = S::BangDash,
                    _ => {
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
                S::BangDash => match c {
                    Some('-') => state = S::BangDashDash,
                    _ => {
                        reconsume(&mut q);
                        state = S::EndDash;
                    }
                },
                S::BangDashDash => {
                    reconsume(&mut q);
                    state = S::End;
                }
                S::EndDash => match c {
                    Some('-') => state = S::End,
                    None => break,
                    _ => {
                        data.push('-');
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
                S::End => match c {
                    Some('>') | None => break,
                    Some('!') => state = S::EndBang,
                    Some('-') => data.push('-'),
                    _ => {
                        data.push_str("--");
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
                S::EndBang => match c {
                    Some('-') => {
                        data.push_str("--!");
                        state = S::EndDash;
                    }
                    Some('>') | None => break,
                    _ => {
                        data.push_str("--!");
                        reconsume(&mut q);
                        state = S::Body;
                    }
                },
            }
        }
        self.pos = q.min(self.input.len());
        Token::Comment(data)
    }

    /// A start or end tag whose name starts at `p`. `None` when the input ends inside it.
    fn tag(&mut self, mut p: usize, end: bool) -> Option<Token> {
        let mut name = String::new();
        loop {
            match self.at(p) {
                None => {
                    self.pos = self.input.len();
                    return None;
                }
                Some(c) if is_space(c) || c == '/' || c == '>' => break,
                Some('\0') => name.push('\u{FFFD}'),
                Some(c) => name.push(c.to_ascii_lowercase()),
            }
            p += 1;
        }
        let mut attributes: Vec<Attribute> = Vec::new();
        let mut self_closing = false;
        loop {
            while self.at(p).is_some_and(is_space) {
                p += 1;
            }
            match self.at(p) {
                None => {
                    self.pos = self.input.len();
                    return None;
                }
                Some('>') => {
                    p += 1;
                    break;
                }
                Some('/') => {
                    p += 1;
                    if self.at(p) == Some('>') {
                        self_closing = true;
                        p += 1;
                        break;
                    }
                    continue;
                }
                Some(_) => {}
            }
            // An attribute name; a leading `=` is part of it.
            let mut attr_name = String::new();
            let mut first = true;
            while let Some(c) = self.at(p) {
                if is_space(c) || c == '/' || c == '>' || (c == '=' && !first) {
                    break;
                }
                attr_name.push(if c == '\0' { '\u{FFFD}' } else { c.to_ascii_lowercase() });
                first = false;
                p += 1;
            }
            while self.at(p).is_some_and(is_space) {
                p += 1;
            }
            let mut value = String::new();
            if self.at(p) == Some('=') {
                p += 1;
                while self.at(p).is_some_and(is_space) {
                    p += 1;
                }
                match self.at(p) {
                    Some(quote @ ('"' | '\'')) => {
                        p += 1;
                        loop {
                            match self.at(p) {
                                None => {
                                    self.pos = self.input.len();
                                    return None;
                                }
                                Some(c) if c == quote => {
                                    p += 1;
                                    break;
                                }
                                Some('&') => {
                                    let (text, next) = self.char_ref(p, true);
                                    value.push_str(&text);
                                    p = next;
                                }
                                Some('\0') => {
                                    value.push('\u{FFFD}');
                                    p += 1;
                                }
                                Some(c) => {
                                    value.push(c);
                                    p += 1;
                                }
                            }
                        }
                    }
                    Some('>') | None => {}
                    Some(_) => loop {
                        match self.at(p) {
                            None => {
                                self.pos = self.input.len();
                                return None;
                            }
                            Some(c) if is_space(c) || c == '>' => break,
                            Some('&') => {
                                let (text, next) = self.char_ref(p, true);
                                value.push_str(&text);
                                p = next;
                            }
                            Some('\0') => {
                                value.push('\u{FFFD}');
                                p += 1;
                            }
                            Some(c) => {
                                value.push(c);
                                p += 1;
                            }
                        }
                    },
                }
            }
            if !attributes.iter().any(|a| a.name == attr_name) {
                attributes.push(Attribute { name: attr_name, value });
            }
        }
        self.pos = p;
        Some(if end {
            Token::End { name }
        } else {
            Token::Start {
                name,
                attributes,
                self_closing,
            }
        })
    }

    /// A character reference at `p` (an `&`): its text and where the input continues. When
    /// nothing is recognised the `&` stands for itself.
    fn char_ref(&self, p: usize, in_attribute: bool) -> (String, usize) {
        let q = p + 1;
        match self.at(q) {
            Some('#') => {
                let mut r = q + 1;
                let hex = matches!(self.at(r), Some('x' | 'X'));
                if hex {
                    r += 1;
                }
                let digits_start = r;
                let mut value: u32 = 0;
                while let Some(c) = self.at(r) {
                    let Some(d) = c.to_digit(if hex { 16 } else { 10 }) else {
                        break;
                    };
                    value = value
                        .saturating_mul(if hex { 16 } else { 10 })
                        .saturating_add(d)
                        .min(0x11_0000);
                    r += 1;
                }
                if r == digits_start {
                    return ("&".into(), q);
                }
                if self.at(r) == Some(';') {
                    r += 1;
                }
                let c = match value {
                    0 => '\u{FFFD}',
                    v if v > 0x10_FFFF => '\u{FFFD}',
                    v => c1_replacement(v).or_else(|| char::from_u32(v)).unwrap_or('\u{FFFD}'),
                };
                (c.to_string(), r)
            }
            Some(c) if c.is_ascii_alphanumeric() => {
                let mut candidate = String::new();
                let mut r = q;
                while candidate.len() < LONGEST {
                    match self.at(r) {
                        Some(c) if c.is_ascii_alphanumeric() => candidate.push(c),
                        Some(';') => {
                            candidate.push(';');
                            break;
                        }
                        _ => break,
                    }
                    r += 1;
                }
                for len in (1..=candidate.len()).rev() {
                    let name = &candidate[..len];
                    if let Ok(at) = ENTITIES.binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes())) {
                        let after = self.at(q + len);
                        if in_attribute
                            && !name.ends_with(';')
                            && after.is_some_and(|c| c == '=' || c.is_ascii_alphanumeric())
                        {
                            return ("&".into(), q);
                        }
                        return (ENTITIES[at].1.to_owned(), q + len);
                    }
                }
                ("&".into(), q)
            }
            _ => ("&".into(), q),
        }
    }

    /// Text of a raw text element up to its end tag, then the end tag.
    fn raw_text(&mut self, kind: RawKind, end: &str) -> Token {
        let p = self.pos;
        if kind == RawKind::PlainText {
            self.pos = self.input.len();
            return Token::Text(
                self.input[p..]
                    .iter()
                    .map(|&c| if c == '\0' { '\u{FFFD}' } else { c })
                    .collect(),
            );
        }
        let is_end_tag_at = |t: &Tokenizer, q: usize| {
            t.at(q) == Some('<')
                && t.at(q + 1) == Some('/')
                && t.starts_with(q + 2, end, true)
                && t.at(q + 2 + end.chars().count())
                    .is_some_and(|c| is_space(c) || c == '/' || c == '>')
        };
        if is_end_tag_at(self, p) {
            self.raw = None;
            return self.tag(p + 2, true).unwrap_or(Token::Text(String::new()));
        }
        let mut q = p;
        let mut out = String::new();
        while q < self.input.len() && !is_end_tag_at(self, q) {
            match self.input[q] {
                '&' if kind == RawKind::RcData => {
                    let (text, next) = self.char_ref(q, false);
                    out.push_str(&text);
                    q = next;
                }
                '\0' => {
                    out.push('\u{FFFD}');
                    q += 1;
                }
                c => {
                    out.push(c);
                    q += 1;
                }
            }
        }
        self.pos = q;
        Token::Text(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Tree builder

struct Builder<'a> {
    arena: &'a mut Arena,
    root: NodeId,
    context: ParseContext,
    stack: Vec<NodeId>,
    /// How many HTML elements of each name are open: scope checks for a name that is not open
    /// answer at once, so deeply nested markup costs linear time.
    open: FxHashMap<String, usize>,
    skip_newline: bool,
}

/// Chromium's parser nests elements at most this deep (counting the `<html>` element); deeper
/// ones become siblings of the deepest (`kMaximumHTMLParserDOMTreeDepth`).
const MAX_TREE_DEPTH: usize = 512;

impl Builder<'_> {
    fn push(&mut self, id: NodeId) {
        let (ns, name) = self.ns_name(id);
        if ns == Namespace::Html {
            *self.open.entry(name.to_owned()).or_default() += 1;
        }
        self.stack.push(id);
    }

    fn pop(&mut self) -> Option<NodeId> {
        let id = self.stack.pop()?;
        let e = self.arena.element(id).expect("open elements are elements");
        if e.namespace == Namespace::Html {
            if let Some(count) = self.open.get_mut(e.name.as_str()) {
                *count -= 1;
            }
        }
        Some(id)
    }

    fn truncate(&mut self, len: usize) {
        while self.stack.len() > len {
            self.pop();
        }
    }

    fn is_open(&self, name: &str) -> bool {
        self.open.get(name).is_some_and(|&c| c > 0)
    }

    fn ns_name(&self, id: NodeId) -> (Namespace, &str) {
        let e = self.arena.element(id).expect("open elements are elements");
        (e.namespace, e.name.as_str())
    }

    /// The adjusted current node's namespace and name (the context element when none is open).
    fn adjusted_current(&self) -> (Namespace, &str) {
        match self.stack.last() {
            Some(&id) => self.ns_name(id),
            None => match self.context {
                ParseContext::Template => (Namespace::Html, "template"),
                ParseContext::SvgGroup => (Namespace::Svg, "g"),
            },
        }
    }

    fn adjusted_current_is_html(&self) -> bool {
        self.adjusted_current().0 == Namespace::Html
    }

    fn current_is_html(&self, name: &str) -> bool {
        self.stack
            .last()
            .is_some_and(|&id| self.ns_name(id) == (Namespace::Html, name))
    }

    fn is_html_integration_point(&self, id: Option<NodeId>) -> bool {
        let (ns, name) = match id {
            Some(id) => self.ns_name(id),
            None => self.adjusted_current(),
        };
        match ns {
            Namespace::Svg => matches!(name, "foreignObject" | "desc" | "title"),
            Namespace::MathMl => {
                name == "annotation-xml"
                    && id
                        .and_then(|id| self.arena.element(id))
                        .and_then(|e| e.attribute("encoding"))
                        .is_some_and(|v| {
                            v.eq_ignore_ascii_case("text/html") || v.eq_ignore_ascii_case("application/xhtml+xml")
                        })
            }
            Namespace::Html => false,
        }
    }

    fn is_mathml_text_integration_point(ns: Namespace, name: &str) -> bool {
        ns == Namespace::MathMl && matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext")
    }

    fn is_special(&self, id: NodeId) -> bool {
        let (ns, name) = self.ns_name(id);
        match ns {
            Namespace::Html => is_special_html(name),
            Namespace::MathMl => matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext" | "annotation-xml"),
            Namespace::Svg => matches!(name, "foreignObject" | "desc" | "title"),
        }
    }

    /// "Has an element in scope": `extra` adds to the default boundaries (button, list item
    /// scope); `table_only` uses table scope.
    fn in_scope_any(&self, names: &[&str], extra: &[&str], table_only: bool) -> bool {
        if !names.iter().any(|n| self.is_open(n)) {
            return false;
        }
        for &id in self.stack.iter().rev() {
            let (ns, name) = self.ns_name(id);
            if ns == Namespace::Html && names.contains(&name) {
                return true;
            }
            let boundary = match ns {
                Namespace::Html if table_only => matches!(name, "html" | "table" | "template"),
                Namespace::Html => {
                    matches!(
                        name,
                        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template"
                    ) || extra.contains(&name)
                }
                Namespace::MathMl => {
                    !table_only && matches!(name, "mi" | "mo" | "mn" | "ms" | "mtext" | "annotation-xml")
                }
                Namespace::Svg => !table_only && matches!(name, "foreignObject" | "desc" | "title"),
            };
            if boundary {
                return false;
            }
        }
        false
    }

    fn in_scope(&self, name: &str) -> bool {
        self.in_scope_any(&[name], &[], false)
    }

    fn in_button_scope(&self, name: &str) -> bool {
        self.in_scope_any(&[name], &["button"], false)
    }

    fn in_table_scope(&self, name: &str) -> bool {
        self.in_scope_any(&[name], &[], true)
    }

    /// Pops elements until an HTML element with one of the names has been popped.
    fn pop_until_any(&mut self, names: &[&str]) {
        while let Some(id) = self.pop() {
            let (ns, name) = self.ns_name(id);
            if ns == Namespace::Html && names.contains(&name) {
                break;
            }
        }
    }

    fn generate_implied_end_tags(&mut self, except: Option<&str>) {
        while let Some(&id) = self.stack.last() {
            let (ns, name) = self.ns_name(id);
            if ns == Namespace::Html
                && Some(name) != except
                && matches!(
                    name,
                    "dd" | "dt" | "li" | "optgroup" | "option" | "p" | "rb" | "rp" | "rt" | "rtc"
                )
            {
                self.pop();
            } else {
                break;
            }
        }
    }

    fn close_p(&mut self) {
        if self.in_button_scope("p") {
            self.generate_implied_end_tags(Some("p"));
            self.pop_until_any(&["p"]);
        }
    }

    fn insertion_parent(&self) -> NodeId {
        match self.stack.last() {
            Some(&id) => self.arena.element(id).and_then(|e| e.template_content).unwrap_or(id),
            None => self.root,
        }
    }

    /// Where a new element or comment goes: the insertion parent, or beyond Chromium's depth
    /// limit the insertion parent's parent.
    fn attach_parent(&self) -> NodeId {
        let parent = self.insertion_parent();
        if self.stack.len() + 1 > MAX_TREE_DEPTH {
            return self.arena.node(parent).parent.unwrap_or(parent);
        }
        parent
    }

    fn insert_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let parent = self.insertion_parent();
        if let Some(last) = self.arena.node(parent).last_child {
            if let Content::Text(existing) = &mut self.arena.node_mut(last).content {
                existing.push_str(text);
                return;
            }
        }
        let node = self.arena.create(Content::Text(text.to_owned()));
        self.arena.insert_before(parent, node, None);
    }

    fn insert_element(&mut self, namespace: Namespace, name: &str, attributes: Vec<Attribute>, push: bool) -> NodeId {
        let id = self.arena.create_element(namespace, name.to_owned());
        self.arena.element_mut(id).expect("element").attributes = attributes;
        let parent = self.attach_parent();
        self.arena.insert_before(parent, id, None);
        if push {
            self.push(id);
        }
        id
    }

    fn process(&mut self, token: Token) -> Option<(RawKind, String)> {
        let (ns, name) = self.adjusted_current();
        let html = match &token {
            _ if ns == Namespace::Html => true,
            Token::Start { name: tag, .. } => {
                (Self::is_mathml_text_integration_point(ns, name) && tag != "mglyph" && tag != "malignmark")
                    || (ns == Namespace::MathMl && name == "annotation-xml" && tag == "svg")
                    || self.is_html_integration_point(self.stack.last().copied())
            }
            Token::Text(_) => {
                Self::is_mathml_text_integration_point(ns, name)
                    || self.is_html_integration_point(self.stack.last().copied())
            }
            _ => false,
        };
        if html {
            self.html_rules(token)
        } else {
            self.foreign_rules(token)
        }
    }

    fn foreign_rules(&mut self, token: Token) -> Option<(RawKind, String)> {
        match token {
            Token::Text(text) => {
                self.insert_text(&text.replace('\0', "\u{FFFD}"));
                None
            }
            Token::Comment(data) => {
                let node = self.arena.create(Content::Comment(data));
                let parent = self.attach_parent();
                self.arena.insert_before(parent, node, None);
                None
            }
            Token::Start {
                name,
                attributes,
                self_closing,
            } => {
                let breakout = breaks_out_of_foreign(&name)
                    || (name == "font"
                        && attributes
                            .iter()
                            .any(|a| matches!(a.name.as_str(), "color" | "face" | "size")));
                if breakout {
                    self.leave_foreign_content();
                    return self.html_rules(Token::Start {
                        name,
                        attributes,
                        self_closing,
                    });
                }
                let namespace = self.adjusted_current().0;
                self.insert_foreign(namespace, name, attributes, self_closing);
                None
            }
            Token::End { name } => {
                if name == "br" || name == "p" {
                    self.leave_foreign_content();
                    return self.html_rules(Token::End { name });
                }
                let mut i = self.stack.len().checked_sub(1)?;
                loop {
                    if self.ns_name(self.stack[i]).1.eq_ignore_ascii_case(&name) {
                        self.truncate(i);
                        return None;
                    }
                    if i == 0 {
                        return None;
                    }
                    i -= 1;
                    if self.ns_name(self.stack[i]).0 == Namespace::Html {
                        return self.html_rules(Token::End { name });
                    }
                }
            }
        }
    }

    fn leave_foreign_content(&mut self) {
        while let Some(&id) = self.stack.last() {
            let (ns, name) = self.ns_name(id);
            if ns == Namespace::Html
                || Self::is_mathml_text_integration_point(ns, name)
                || self.is_html_integration_point(Some(id))
            {
                break;
            }
            self.pop();
        }
    }

    fn insert_foreign(&mut self, namespace: Namespace, name: String, attributes: Vec<Attribute>, self_closing: bool) {
        let name = match namespace {
            Namespace::Svg => adjust_svg_tag_name(&name).map(str::to_owned).unwrap_or(name),
            _ => name,
        };
        let attributes = attributes
            .into_iter()
            .map(|mut a| {
                match namespace {
                    Namespace::Svg => {
                        if let Some(adjusted) = adjust_svg_attribute_name(&a.name) {
                            a.name = adjusted.to_owned();
                        }
                    }
                    Namespace::MathMl if a.name == "definitionurl" => a.name = "definitionURL".to_owned(),
                    _ => {}
                }
                a
            })
            .collect();
        self.insert_element(namespace, &name, attributes, !self_closing);
    }

    fn html_rules(&mut self, token: Token) -> Option<(RawKind, String)> {
        match token {
            Token::Text(text) => {
                // The "in body" rules drop U+0000.
                if text.contains('\0') {
                    self.insert_text(&text.replace('\0', ""));
                } else {
                    self.insert_text(&text);
                }
                None
            }
            Token::Comment(data) => {
                let node = self.arena.create(Content::Comment(data));
                let parent = self.attach_parent();
                self.arena.insert_before(parent, node, None);
                None
            }
            Token::Start {
                name,
                attributes,
                self_closing,
            } => self.html_start(name, attributes, self_closing),
            Token::End { name } => {
                self.html_end(&name);
                None
            }
        }
    }

    fn html_start(
        &mut self,
        name: String,
        attributes: Vec<Attribute>,
        self_closing: bool,
    ) -> Option<(RawKind, String)> {
        let n = name.as_str();
        match n {
            "html" | "body" | "frameset" | "head" | "frame" => {}
            "base" | "basefont" | "bgsound" | "link" | "meta" => {
                self.insert_element(Namespace::Html, n, attributes, false);
            }
            "title" | "textarea" => {
                self.insert_element(Namespace::Html, n, attributes, true);
                self.skip_newline = n == "textarea";
                return Some((RawKind::RcData, name));
            }
            "style" | "noframes" | "noscript" | "iframe" | "noembed" | "script" | "xmp" => {
                if n == "xmp" {
                    self.close_p();
                }
                self.insert_element(Namespace::Html, n, attributes, true);
                return Some((RawKind::RawText, name));
            }
            "plaintext" => {
                self.close_p();
                self.insert_element(Namespace::Html, n, attributes, true);
                return Some((RawKind::PlainText, name));
            }
            "li" | "dd" | "dt" => {
                let closes: &[&str] = if n == "li" { &["li"] } else { &["dd", "dt"] };
                for i in (0..self.stack.len()).rev() {
                    let id = self.stack[i];
                    let (ns, el) = self.ns_name(id);
                    if ns == Namespace::Html && closes.contains(&el) {
                        let el = el.to_owned();
                        self.generate_implied_end_tags(Some(&el));
                        self.pop_until_any(&[&el]);
                        break;
                    }
                    if self.is_special(id) && !(ns == Namespace::Html && matches!(el, "address" | "div" | "p")) {
                        break;
                    }
                }
                self.close_p();
                self.insert_element(Namespace::Html, n, attributes, true);
            }
            "button" | "a" | "nobr" => {
                if self.in_scope(n) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_any(&[n]);
                }
                self.insert_element(Namespace::Html, n, attributes, true);
            }
            "pre" | "listing" => {
                self.close_p();
                self.insert_element(Namespace::Html, n, attributes, true);
                self.skip_newline = true;
            }
            "hr" => {
                self.close_p();
                self.insert_element(Namespace::Html, n, attributes, false);
            }
            "caption" | "col" | "colgroup" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" => {
                self.table_start(n, attributes);
            }
            _ if is_heading(n) => {
                self.close_p();
                if self.stack.last().is_some_and(|&id| {
                    let (ns, el) = self.ns_name(id);
                    ns == Namespace::Html && is_heading(el)
                }) {
                    self.pop();
                }
                self.insert_element(Namespace::Html, n, attributes, true);
            }
            _ if closes_p(n) => {
                self.close_p();
                self.insert_element(Namespace::Html, n, attributes, true);
            }
            "image" => {
                self.insert_element(Namespace::Html, "img", attributes, false);
            }
            _ if is_void(n) => {
                self.insert_element(Namespace::Html, n, attributes, false);
            }
            "option" | "optgroup" => {
                if self.current_is_html("option") {
                    self.pop();
                }
                self.insert_element(Namespace::Html, n, attributes, true);
            }
            "rb" | "rtc" | "rp" | "rt" => {
                if self.in_scope("ruby") {
                    self.generate_implied_end_tags(if matches!(n, "rp" | "rt") { Some("rtc") } else { None });
                }
                self.insert_element(Namespace::Html, n, attributes, true);
            }
            "math" => self.insert_foreign(Namespace::MathMl, name, attributes, self_closing),
            "svg" => self.insert_foreign(Namespace::Svg, name, attributes, self_closing),
            _ => {
                self.insert_element(Namespace::Html, n, attributes, true);
            }
        }
        None
    }

    /// Table-structure start tags: the "in table", "in table body", "in row", "in cell" and
    /// "in template" rules, with the implied `tbody`, `tr` and `colgroup`. Elsewhere (in body)
    /// these tags are ignored.
    fn table_start(&mut self, name: &str, attributes: Vec<Attribute>) {
        let mut attributes = Some(attributes);
        loop {
            if self.in_table_scope("td") || self.in_table_scope("th") {
                self.generate_implied_end_tags(None);
                self.pop_until_any(&["td", "th"]);
                continue;
            }
            let current = match self.stack.last() {
                None => None,
                Some(&id) => match self.ns_name(id) {
                    (Namespace::Html, el) => Some(el.to_owned()),
                    _ => return,
                },
            };
            let Some(current) = current else {
                let attrs = attributes.take().unwrap_or_default();
                self.insert_element(Namespace::Html, name, attrs, name != "col");
                return;
            };
            match (current.as_str(), name) {
                ("table", "tr" | "td" | "th") => {
                    self.insert_element(Namespace::Html, "tbody", Vec::new(), true);
                }
                ("table", "col") => {
                    self.insert_element(Namespace::Html, "colgroup", Vec::new(), true);
                }
                ("table", _) => {
                    let attrs = attributes.take().unwrap_or_default();
                    self.insert_element(Namespace::Html, name, attrs, true);
                    return;
                }
                ("tbody" | "thead" | "tfoot", "tr") | ("tr", "td" | "th") => {
                    let attrs = attributes.take().unwrap_or_default();
                    self.insert_element(Namespace::Html, name, attrs, true);
                    return;
                }
                ("tbody" | "thead" | "tfoot", "td" | "th") => {
                    self.insert_element(Namespace::Html, "tr", Vec::new(), true);
                }
                ("colgroup", "col") => {
                    let attrs = attributes.take().unwrap_or_default();
                    self.insert_element(Namespace::Html, name, attrs, false);
                    return;
                }
                ("tbody" | "thead" | "tfoot" | "tr" | "colgroup" | "caption", _) => {
                    self.pop();
                }
                _ => return,
            }
        }
    }

    fn html_end(&mut self, name: &str) {
        match name {
            "body" | "html" => {}
            "template" => {
                if self
                    .stack
                    .iter()
                    .any(|&id| self.ns_name(id) == (Namespace::Html, "template"))
                {
                    self.generate_implied_end_tags(None);
                    self.pop_until_any(&["template"]);
                }
            }
            "p" => {
                if !self.in_button_scope("p") {
                    self.insert_element(Namespace::Html, "p", Vec::new(), true);
                }
                self.generate_implied_end_tags(Some("p"));
                self.pop_until_any(&["p"]);
            }
            "li" => {
                if self.in_scope_any(&["li"], &["ol", "ul"], false) {
                    self.generate_implied_end_tags(Some("li"));
                    self.pop_until_any(&["li"]);
                }
            }
            "dd" | "dt" => {
                if self.in_scope(name) {
                    self.generate_implied_end_tags(Some(name));
                    self.pop_until_any(&[name]);
                }
            }
            _ if is_heading(name) => {
                const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
                if self.in_scope_any(HEADINGS, &[], false) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_any(HEADINGS);
                }
            }
            "br" => {
                self.insert_element(Namespace::Html, "br", Vec::new(), false);
            }
            "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" | "colgroup" => {
                if self.in_table_scope(name) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_any(&[name]);
                }
            }
            _ if (closes_p(name) && name != "hr") || matches!(name, "button" | "applet" | "marquee" | "object") => {
                if self.in_scope(name) {
                    self.generate_implied_end_tags(None);
                    self.pop_until_any(&[name]);
                }
            }
            _ => {
                if !self.is_open(name) {
                    return;
                }
                for i in (0..self.stack.len()).rev() {
                    let id = self.stack[i];
                    if self.ns_name(id) == (Namespace::Html, name) {
                        self.generate_implied_end_tags(Some(name));
                        self.truncate(i);
                        return;
                    }
                    if self.is_special(id) {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::serialize::serialize_children;

    fn parse(markup: &str) -> String {
        let mut arena = Arena::default();
        let root = parse_fragment(&mut arena, markup, ParseContext::Template);
        let mut out = String::new();
        serialize_children(&arena, root, &mut out);
        out
    }

    fn parse_svg(markup: &str) -> String {
        let mut arena = Arena::default();
        let root = parse_fragment(&mut arena, markup, ParseContext::SvgGroup);
        let mut out = String::new();
        serialize_children(&arena, root, &mut out);
        out
    }

    #[test]
    fn well_formed_markup_round_trips() {
        for html in [
            "<p>Hello, <b>world</b>!</p>",
            "<div class=\"a b\" id=\"x\"><span>1</span><span>2</span></div>",
            "<ul><li>a</li><li>b</li></ul>",
            "<input type=\"text\" disabled=\"\"><br><img src=\"a.png\" alt=\"\">",
            "<!-- a comment --><p>after</p>",
            "<table><tbody><tr><td>1</td></tr></tbody></table>",
            "<svg viewBox=\"0 0 10 10\"><path d=\"M0 0\"></path><foreignObject><p>x</p></foreignObject></svg>",
            "text only",
            "<script>if (a < b && c > d) { x(\"</p>\"); }</script>",
            "<style>p > a { color: red }</style>",
        ] {
            assert_eq!(parse(html), html);
        }
    }

    #[test]
    fn attributes_in_every_form() {
        assert_eq!(
            parse("<a href=x title='y z' data-q=\"a&amp;b\" hidden CLASS=C =x x=>t</a>"),
            "<a href=\"x\" title=\"y z\" data-q=\"a&amp;b\" hidden=\"\" class=\"C\" =x=\"\" x=\"\">t</a>"
        );
        assert_eq!(parse("<p a=1 a=2 b = 3>"), "<p a=\"1\" b=\"3\"></p>");
        assert_eq!(parse("<br/><br / >"), "<br><br>");
        assert_eq!(parse("<div title=\"<b>\">"), "<div title=\"&lt;b&gt;\"></div>");
    }

    #[test]
    fn character_references() {
        assert_eq!(
            parse("a &amp; b &lt;c&gt; &quot;&#39;&#x41;&#65;"),
            "a &amp; b &lt;c&gt; \"'AA"
        );
        assert_eq!(
            parse("&nbsp;&copy&notit;&notin;&noti;&ZZZ;&"),
            "&nbsp;©¬it;∉¬i;&amp;ZZZ;&amp;"
        );
        assert_eq!(
            parse("&#0;&#x110000;&#xD800;&#128;&#x9f;&#;&#x;"),
            "\u{FFFD}\u{FFFD}\u{FFFD}€Ÿ&amp;#;&amp;#x;"
        );
        // In attributes a legacy name followed by `=` or an alphanumeric stays as written.
        assert_eq!(
            parse("<a href=\"?a=1&copy=2&copy;&copyx\">"),
            "<a href=\"?a=1&amp;copy=2©&amp;copyx\"></a>"
        );
        assert_eq!(parse("&amp"), "&amp;");
    }

    #[test]
    fn implied_end_tags() {
        assert_eq!(parse("<p>a<p>b<div>c</div>"), "<p>a</p><p>b</p><div>c</div>");
        assert_eq!(parse("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
        assert_eq!(
            parse("<dl><dt>a<dd>b<dt>c</dl>"),
            "<dl><dt>a</dt><dd>b</dd><dt>c</dt></dl>"
        );
        assert_eq!(
            parse("<select><option>a<option>b</select>"),
            "<select><option>a</option><option>b</option></select>"
        );
        assert_eq!(parse("<h1>a<h2>b</h2>"), "<h1>a</h1><h2>b</h2>");
        assert_eq!(parse("</p>x</br>"), "<p></p>x<br>");
        assert_eq!(parse("<div><span>a</div>b"), "<div><span>a</span></div>b");
        assert_eq!(parse("<b>a</i>b</b>"), "<b>ab</b>");
        assert_eq!(parse("<div>a</span>b</div>"), "<div>ab</div>");
    }

    #[test]
    fn tables_get_their_implied_sections_and_rows() {
        assert_eq!(
            parse("<table><tr><td>1<td>2</table>"),
            "<table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
        );
        assert_eq!(
            parse("<tr><td>a</td></tr><tr><td>b</td></tr>"),
            "<tr><td>a</td></tr><tr><td>b</td></tr>"
        );
        assert_eq!(parse("<td>a<td>b"), "<td>a</td><td>b</td>");
        assert_eq!(
            parse("<table><col><tr><th>h</table>"),
            "<table><colgroup><col></colgroup><tbody><tr><th>h</th></tr></tbody></table>"
        );
        assert_eq!(parse("<div><tr><td>x</td></tr></div>"), "<div>x</div>");
    }

    #[test]
    fn raw_text_and_rcdata() {
        assert_eq!(
            parse("<textarea>\na &amp; <b></textarea>"),
            "<textarea>a &amp; &lt;b&gt;</textarea>"
        );
        assert_eq!(parse("<pre>\n\nx</pre>"), "<pre>\nx</pre>");
        assert_eq!(parse("<title>&lt;</title>"), "<title>&lt;</title>");
        assert_eq!(parse("<style></style >x"), "<style></style>x");
        assert_eq!(parse("<script>a</scripty></script>"), "<script>a</scripty></script>");
        assert_eq!(parse("<xmp><b>&amp;</xmp>"), "<xmp><b>&amp;</xmp>");
        assert_eq!(parse("<plaintext></plaintext>"), "<plaintext></plaintext></plaintext>");
    }

    #[test]
    fn comments_and_bogus_comments() {
        assert_eq!(parse("<!---->"), "<!---->");
        assert_eq!(parse("<!-->x"), "<!---->x");
        assert_eq!(parse("<!--->x"), "<!---->x");
        assert_eq!(parse("<!-- a -- b --!>x"), "<!-- a -- b -->x");
        assert_eq!(parse("<!--a"), "<!--a-->");
        assert_eq!(parse("<?xml x?>y"), "<!--?xml x?-->y");
        assert_eq!(parse("<!DOCTYPE html><p>"), "<p></p>");
        assert_eq!(parse("<![CDATA[x]]>"), "<!--[CDATA[x]]-->");
        assert_eq!(parse("</ x>y</>z"), "<!-- x-->yz");
        assert_eq!(parse("a < b <3"), "a &lt; b &lt;3");
    }

    #[test]
    fn end_of_input_inside_a_tag_drops_it() {
        assert_eq!(parse("a<div class=\"x"), "a");
        assert_eq!(parse("a<div"), "a");
        assert_eq!(parse("a</"), "a&lt;/");
    }

    #[test]
    fn newlines_and_nuls() {
        assert_eq!(parse("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(parse("a\0b<p title=\"\0\">"), "ab<p title=\"\u{FFFD}\"></p>");
        assert_eq!(parse("<svg>\0</svg>"), "<svg>\u{FFFD}</svg>");
    }

    #[test]
    fn svg_and_mathml() {
        assert_eq!(
            parse("<svg viewbox=\"0 0 1 1\"><lineargradient gradientunits=\"x\"/><circle r=1 /></svg>"),
            "<svg viewBox=\"0 0 1 1\"><linearGradient gradientUnits=\"x\"></linearGradient><circle r=\"1\"></circle></svg>"
        );
        assert_eq!(parse("<svg><p>x</svg>"), "<svg></svg><p>x</p>");
        assert_eq!(parse("<svg><![CDATA[<a>]]></svg>"), "<svg>&lt;a&gt;</svg>");
        assert_eq!(
            parse("<math definitionurl=x><mi>a</mi></math>"),
            "<math definitionURL=\"x\"><mi>a</mi></math>"
        );
        assert_eq!(
            parse("<svg><desc><b>x</b></desc></svg>"),
            "<svg><desc><b>x</b></desc></svg>"
        );
        // Under an SVG parent, markup is SVG content.
        assert_eq!(
            parse_svg("<circle r=\"1\"/><lineargradient></lineargradient>"),
            "<circle r=\"1\"></circle><linearGradient></linearGradient>"
        );
        assert_eq!(parse_svg("<div>x</div>"), "<div>x</div>");
    }

    #[test]
    fn template_contents_are_parsed_into_the_content_fragment() {
        assert_eq!(
            parse("<template><p>a</p></template>b"),
            "<template><p>a</p></template>b"
        );
    }

    #[test]
    fn deep_nesting_stops_at_chromiums_depth_limit_in_linear_time() {
        // 511 levels nest (512 with <html>); deeper elements become siblings of the deepest.
        let out = parse(&"<div>".repeat(514));
        let expected = format!(
            "{}<div></div><div></div><div></div>{}",
            "<div>".repeat(511),
            "</div>".repeat(511)
        );
        assert_eq!(out, expected);
        let out = parse(&"<span>".repeat(200_000));
        assert!(out.starts_with("<span><span>") && out.ends_with("</span></span>"));
    }
}
