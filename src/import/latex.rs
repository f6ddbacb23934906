//! LaTeX in BibTeX values → Unicode text: accents (`\'e`, `\"{o}`, `\c{c}`, `\v{s}`,
//! `\'{\i}`), letters (`{\o}`, `{\aa}`, `{\ss}`, `\l`), escapes (`\&`, `\%`, `\_`, `\$`),
//! dashes (`--`, `---`, `\textendash`), `~`, quotes, formatting commands whose argument is
//! kept (`\emph{…}`, `\textsubscript{…}`), protective braces dropped, and `\-` (a
//! discretionary hyphen) as U+00AD. Unknown commands are dropped, never left as a backslash.
//!
//! The result is not yet NFC: accents come out as combining marks, and NFC is applied when
//! the record is built.

/// Decodes a text field.
pub fn decode(s: &str) -> String {
    if !s.contains(['\\', '{', '}', '~', '-', '$', '`', '\'']) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i = command(&chars, i + 1, &mut out),
            '{' | '}' | '$' => i += 1,
            '~' => {
                out.push('\u{a0}');
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—');
                    i += 3;
                } else {
                    out.push('–');
                    i += 2;
                }
            }
            '`' if chars.get(i + 1) == Some(&'`') => {
                out.push('“');
                i += 2;
            }
            '\'' if chars.get(i + 1) == Some(&'\'') => {
                out.push('”');
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes an identifier or URL: only escapes and braces, no dashes or quotes.
pub fn decode_verbatim(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(&n) = chars.peek()
                    && !n.is_alphabetic()
                {
                    out.push(n);
                    chars.next();
                }
            }
            '{' | '}' => {}
            _ => out.push(c),
        }
    }
    out
}

fn accent_mark(c: char) -> Option<char> {
    Some(match c {
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '"' => '\u{308}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30c}',
        'H' => '\u{30b}',
        'c' => '\u{327}',
        'd' => '\u{323}',
        'b' => '\u{331}',
        'k' => '\u{328}',
        'r' => '\u{30a}',
        't' => '\u{361}',
        _ => return None,
    })
}

fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "o" => "ø",
        "O" => "Ø",
        "aa" => "å",
        "AA" => "Å",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "ss" => "ß",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "dh" => "ð",
        "DH" => "Ð",
        "th" => "þ",
        "TH" => "Þ",
        "textendash" => "–",
        "textemdash" => "—",
        "textquoteright" | "rq" => "’",
        "textquoteleft" | "lq" => "‘",
        "textquotedblleft" => "“",
        "textquotedblright" => "”",
        "ldots" | "dots" | "textellipsis" => "…",
        "textregistered" => "®",
        "texttrademark" => "™",
        "copyright" | "textcopyright" => "©",
        "textdegree" | "degree" => "°",
        "textasciitilde" => "~",
        "textasciicircum" => "^",
        "textbraceleft" => "{",
        "textbraceright" => "}",
        "textbackslash" => "\\",
        "textbar" => "|",
        "textless" => "<",
        "textgreater" => ">",
        "textunderscore" => "_",
        "S" => "§",
        "P" => "¶",
        "pounds" => "£",
        "euro" => "€",
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "pi" => "π",
        "sigma" => "σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "chi" => "χ",
        "omega" => "ω",
        "Delta" => "Δ",
        "Omega" => "Ω",
        "times" => "×",
        "pm" => "±",
        "le" | "leq" => "≤",
        "ge" | "geq" => "≥",
        "circ" => "°",
        _ => return None,
    })
}

/// Handles the command after a backslash at `i`; returns the index after it.
fn command(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let Some(&c) = chars.get(i) else {
        return i;
    };
    // Accents: one non-letter character, or one of the letter accents followed by a
    // non-letter (`\c{c}`, `\v s`).
    let letter_accent = c.is_ascii_alphabetic()
        && accent_mark(c).is_some()
        && !chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic());
    if letter_accent && matches!(chars.get(i + 1), None | Some('}')) {
        // `{\d}` with nothing to accent: JabRef writes it for ð.
        if c == 'd' {
            out.push('ð');
        }
        return i + 1;
    }
    if (!c.is_alphabetic() && accent_mark(c).is_some()) || letter_accent {
        let mark = accent_mark(c).unwrap_or('\u{301}');
        i += 1;
        while chars.get(i) == Some(&' ') && letter_accent {
            i += 1;
        }
        let (base, next) = accent_argument(chars, i);
        if !base.is_empty() {
            out.push_str(&base);
            out.push(mark);
        }
        return next;
    }
    if c.is_alphabetic() {
        let start = i;
        while chars.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
            i += 1;
        }
        let name: String = chars[start..i].iter().collect();
        // A space after a command name only ends the name.
        if chars.get(i) == Some(&' ') {
            i += 1;
        }
        if let Some(text) = named(&name) {
            out.push_str(text);
        }
        return i;
    }
    match c {
        '-' => out.push('\u{ad}'),
        '\\' | ',' | ';' | ' ' | '\n' => out.push(' '),
        '/' | '@' => {}
        _ => out.push(c), // \& \% \_ \$ \# \{ \}
    }
    i + 1
}

/// The letter an accent applies to: `e`, `{e}`, `{\i}`, `\i`. Returns it and the index after.
fn accent_argument(chars: &[char], i: usize) -> (String, usize) {
    match chars.get(i) {
        Some('{') => {
            let Some(close) = chars[i..].iter().position(|&c| c == '}') else {
                return (String::new(), i + 1);
            };
            let inner: String = chars[i + 1..i + close].iter().collect();
            (dotless(inner.trim()), i + close + 1)
        }
        Some('\\') => {
            let mut j = i + 1;
            while chars.get(j).is_some_and(|c| c.is_ascii_alphabetic()) {
                j += 1;
            }
            let name: String = chars[i..j].iter().collect();
            (dotless(&name), j)
        }
        Some(&c) => (c.to_string(), i + 1),
        None => (String::new(), i),
    }
}

fn dotless(s: &str) -> String {
    match s {
        "\\i" => "i".into(),
        "\\j" => "j".into(),
        _ => decode(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn latex_to_unicode() {
        let cases = [
            (r"Bogad\'{o}ttir", "Bogadóttir"),
            (r"Bogad\'ottir", "Bogadóttir"),
            (r#"{\"O}zge"#, "Özge"),
            (r#"M\"{u}ller"#, "Müller"),
            (r"{\c{C}}etinkaya", "Çetinkaya"),
            (r"Aks{\i}n", "Aksın"),
            (r"Ragnhei{\d}ur", "Ragnheiður"),
            (r"{\o}st {\aa}s {\ss} {\AA}", "øst ås ß Å"),
            (r"\c{c}a \v{s} \v s", "ça š š"),
            (r"\'{\i}", "í"),
            (r"{\&} \% \_ \$", "& % _ $"),
            ("a--b---c", "a–b—c"),
            ("a~b", "a\u{a0}b"),
            (r"a\textendash b", "a–b"),
            (r"\emph{Very} {{Si}} \textsubscript{2}", "Very Si 2"),
            (r"pre\-{C}olumbian", "pre\u{ad}Columbian"),
            (r"``quoted''", "“quoted”"),
            (r"\unknown{x}", "x"),
            ("plain", "plain"),
            (r"trailing \", "trailing "),
            (r"\'", ""),
            (r"\'{", ""),
        ];
        for (input, want) in cases {
            let got: String = decode(input).nfc().collect();
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn identifiers_keep_their_dashes() {
        assert_eq!(
            decode_verbatim(r"10.1007/999-9--9\_3"),
            "10.1007/999-9--9_3"
        );
        assert_eq!(
            decode_verbatim(r"{http://x.org/a\%20b}"),
            "http://x.org/a%20b"
        );
    }
}
