//! Shell arithmetic (`$((…))`, `((…))`, `for ((…))`): 64-bit integers with
//! C's operators and precedence, variables by name, assignments.

use super::Context;

/// Evaluates `text`, where `$name` and `${name}` were already substituted.
pub fn eval(text: &str, ctx: &mut Context) -> Result<i64, String> {
    let toks = lex(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        ctx,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Ok(0);
    }
    let v = p.comma()?;
    if p.pos < p.toks.len() {
        return Err("expecting EOF".into());
    }
    Ok(v)
}

#[derive(Debug, Clone, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: &[&str] = &[
    "<<=", ">>=", "**", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=", "-=",
    "*=", "/=", "%=", "&=", "|=", "^=", "+", "-", "*", "/", "%", "<", ">", "=", "!", "~", "&", "|",
    "^", "?", ":", "(", ")", ",",
];

fn lex(s: &str) -> Result<Vec<T>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'#') {
                i += 1;
            }
            out.push(T::Num(number(&s[start..i])?));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(T::Name(s[start..i].to_string()));
            continue;
        }
        for op in OPS {
            if s[i..].starts_with(op) {
                out.push(T::Op(op));
                i += op.len();
                continue 'outer;
            }
        }
        return Err("syntax error".into());
    }
    Ok(out)
}

fn number(s: &str) -> Result<i64, String> {
    let bad = || "bad number".to_string();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return i64::from_str_radix(h, 16).map_err(|_| bad());
    }
    if let Some((base, digits)) = s.split_once('#') {
        let base: u32 = base.parse().map_err(|_| bad())?;
        if !(2..=36).contains(&base) {
            return Err(bad());
        }
        return i64::from_str_radix(digits, base).map_err(|_| bad());
    }
    if s.len() > 1 && s.starts_with('0') {
        return i64::from_str_radix(&s[1..], 8).map_err(|_| bad());
    }
    s.parse().map_err(|_| bad())
}

struct Parser<'p, 'c> {
    toks: Vec<T>,
    pos: usize,
    ctx: &'p mut Context<'c>,
    depth: usize,
}

impl Parser<'_, '_> {
    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some(T::Op(o)) => Some(o),
            _ => None,
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        if self.peek_op() == Some(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn var(&mut self, name: &str) -> Result<i64, String> {
        let v = self.ctx.get_var(name).unwrap_or("").trim().to_string();
        if v.is_empty() {
            return Ok(0);
        }
        // A value that is itself an expression is evaluated, a bounded number of times.
        self.depth += 1;
        if self.depth > 32 {
            return Err(format!("{name}: expression recursion level exceeded"));
        }
        let r = number(&v).or_else(|_| eval(&v, self.ctx));
        self.depth -= 1;
        r
    }

    fn comma(&mut self) -> Result<i64, String> {
        let mut v = self.assign()?;
        while self.eat(",") {
            v = self.assign()?;
        }
        Ok(v)
    }

    fn assign(&mut self) -> Result<i64, String> {
        if let Some(T::Name(n)) = self.toks.get(self.pos).cloned()
            && let Some(T::Op(op)) = self.toks.get(self.pos + 1).cloned()
            && matches!(
                op,
                "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "<<=" | ">>=" | "&=" | "|=" | "^="
            )
        {
            self.pos += 2;
            let rhs = self.assign()?;
            let v = if op == "=" {
                rhs
            } else {
                let cur = self.var(&n)?;
                binop(&op[..op.len() - 1], cur, rhs)?
            };
            self.ctx.set_var(&n, v.to_string());
            return Ok(v);
        }
        self.ternary()
    }

    fn ternary(&mut self) -> Result<i64, String> {
        let c = self.binary(0)?;
        if self.eat("?") {
            let a = self.assign()?;
            if !self.eat(":") {
                return Err("expecting ':'".into());
            }
            let b = self.assign()?;
            return Ok(if c != 0 { a } else { b });
        }
        Ok(c)
    }

    fn binary(&mut self, level: usize) -> Result<i64, String> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["|"],
            &["^"],
            &["&"],
            &["==", "!="],
            &["<", "<=", ">", ">="],
            &["<<", ">>"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.power();
        }
        let mut v = self.binary(level + 1)?;
        while let Some(op) = self.peek_op().filter(|o| LEVELS[level].contains(o)) {
            self.pos += 1;
            let r = self.binary(level + 1)?;
            v = binop(op, v, r)?;
        }
        Ok(v)
    }

    fn power(&mut self) -> Result<i64, String> {
        let b = self.unary()?;
        if self.eat("**") {
            let e = self.power()?;
            if e < 0 {
                return Err("exponent less than 0".into());
            }
            return Ok(b.wrapping_pow(e.min(u32::MAX as i64) as u32));
        }
        Ok(b)
    }

    fn unary(&mut self) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 256 {
            return Err("nested too deeply".into());
        }
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<i64, String> {
        match self.toks.get(self.pos).cloned() {
            Some(T::Op("-")) => {
                self.pos += 1;
                Ok(self.unary()?.wrapping_neg())
            }
            Some(T::Op("+")) => {
                self.pos += 1;
                self.unary()
            }
            Some(T::Op("!")) => {
                self.pos += 1;
                Ok(i64::from(self.unary()? == 0))
            }
            Some(T::Op("~")) => {
                self.pos += 1;
                Ok(!self.unary()?)
            }
            Some(T::Op(op @ ("++" | "--"))) => {
                self.pos += 1;
                let Some(T::Name(n)) = self.toks.get(self.pos).cloned() else {
                    return Err("expecting a name".into());
                };
                self.pos += 1;
                let v = self.var(&n)? + if op == "++" { 1 } else { -1 };
                self.ctx.set_var(&n, v.to_string());
                Ok(v)
            }
            Some(T::Op("(")) => {
                self.pos += 1;
                let v = self.comma()?;
                if !self.eat(")") {
                    return Err("expecting ')'".into());
                }
                Ok(v)
            }
            Some(T::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(T::Name(n)) => {
                self.pos += 1;
                let v = self.var(&n)?;
                if let Some(op @ ("++" | "--")) = self.peek_op() {
                    self.pos += 1;
                    let nv = v + if op == "++" { 1 } else { -1 };
                    self.ctx.set_var(&n, nv.to_string());
                }
                Ok(v)
            }
            _ => Err("expecting primary".into()),
        }
    }
}

fn binop(op: &str, a: i64, b: i64) -> Result<i64, String> {
    Ok(match op {
        "||" => i64::from(a != 0 || b != 0),
        "&&" => i64::from(a != 0 && b != 0),
        "|" => a | b,
        "^" => a ^ b,
        "&" => a & b,
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "<" => i64::from(a < b),
        "<=" => i64::from(a <= b),
        ">" => i64::from(a > b),
        ">=" => i64::from(a >= b),
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err("division by zero".into()),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        _ => return Err(format!("unknown operator {op}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::Fs;

    fn ev(s: &str) -> Result<i64, String> {
        let mut fs = Fs::new();
        let mut ctx = Context::new(&mut fs);
        ctx.set_var("x", "5");
        eval(s, &mut ctx)
    }

    #[test]
    fn precedence_and_operators() {
        // Checked with bash: $((1+2*3)) 7, $((2**10)) 1024, $((7/2)) 3, $((-7%3)) -1
        assert_eq!(ev("1+2*3"), Ok(7));
        assert_eq!(ev("2**10"), Ok(1024));
        assert_eq!(ev("7/2"), Ok(3));
        assert_eq!(ev("-7%3"), Ok(-1));
        assert_eq!(ev("x*2 > 9 ? 1 : 0"), Ok(1));
        assert_eq!(ev("0x10 + 010"), Ok(24));
        assert_eq!(ev("(1+2)*3"), Ok(9));
        assert_eq!(ev("1/0"), Err("division by zero".into()));
    }

    #[test]
    fn assignments_change_variables() {
        let mut fs = Fs::new();
        let mut ctx = Context::new(&mut fs);
        assert_eq!(eval("i=3, i+=2, i++", &mut ctx), Ok(5));
        assert_eq!(ctx.get_var("i"), Some("6"));
    }
}
