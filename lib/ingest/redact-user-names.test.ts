import { describe, expect, it } from "vitest";
import { AGENT_FIXTURES, readAgentFixture } from "@/tests/agent/agent-fixtures";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { FIXTURES, readFixture } from "@/lib/reports/fixtures";
import { accountNames, protectUserNames, REDACTION_LIMITS, userToken, UserNameRedactor } from "./redact-user-names";

/**
 * Protect-UserNames exactly as public/agent/Invoke-JoinScopeAgent.ps1 runs it (one regular expression per name
 * over the whole text), as the reference the one-pass version must agree with. Quadratic: realistic input only.
 */
function scriptProtectUserNames(text: string, accounts: string[], salt: string): string {
  const W = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const account of accounts) {
    const slash = account.indexOf("\\");
    if (slash < 0) continue;
    const name = account.slice(slash + 1);
    if (name.toUpperCase() === "SYSTEM" || name.endsWith("$") || /^user-[0-9a-f]{6}$/.test(name)) continue;
    text = text.replace(new RegExp(String.raw`(?<=\\)${esc(name)}(?![${W}.\-])`, "giu"), userToken(name, salt));
  }
  const upn = new RegExp(String.raw`(?<![${W}.%+'\-])([${W}.%+'\-]+)@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})`, "gu");
  const names = [...new Set([...text.matchAll(upn)].map((m) => m[1]!))].sort();
  for (const name of names) {
    if (/^user-[0-9a-f]{6}$/.test(name)) continue;
    text = text.replace(new RegExp(String.raw`(?<![${W}.%+'\-])${esc(name)}(?=@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})`, "giu"), userToken(name, salt));
  }
  return text;
}

const salt = "s3cret";

/** Every realistic text we have: the parser's fixtures and the agents' recorded payloads (captures and events). */
function realisticTexts(): string[] {
  const texts: string[] = [];
  for (const f of FIXTURES) {
    const d = decodeReportText(readFixture(f.file));
    if (d.ok) texts.push(d.text, d.text.replace(/\n/g, "\r\n"));
  }
  for (const f of AGENT_FIXTURES) {
    const body = JSON.parse(readAgentFixture(f.file).toString("utf8")) as { dsregcmd: string; dsregcmdSystem?: string; events: { message: string }[] };
    texts.push(body.dsregcmd, ...(body.dsregcmdSystem ? [body.dsregcmdSystem] : []), ...body.events.map((e) => e.message));
  }
  return texts;
}

describe("protectUserNames in one pass", () => {
  it("gives the script's output on every realistic text, with the accounts the script would find", () => {
    const texts = realisticTexts();
    expect(texts.length).toBeGreaterThan(30);
    // Names that appear in the fixtures, plus local accounts with a space, an apostrophe and a non-ASCII letter,
    // and a name that is a prefix of another.
    const extra = [
      "CONTOSO\\jdoe",
      "PC-0142\\Jo Smith",
      "PC-0142\\Jo",
      "CONTOSO\\o'brien",
      "CONTOSO\\Jörg.Müller",
      "NT AUTHORITY\\SYSTEM",
      "CONTOSO\\PC-0142$",
    ];
    const sample = [
      "Executing Account Name : PC-0142\\Jo Smith, jo.smith@contoso.com; PC-0142\\Jo; PC-0142\\JO SMITH; pc-0142\\jo.",
      "user CONTOSO\\O'Brien signed in as o'brien@contoso.com and CONTOSO\\jörg.müller as Jörg.Müller@corp.contoso.com",
      "a@b.co, x@a.bob@c.io, bob@c.io, mail a.b+c@contoso.com or user-0a1b2c@contoso.com; https://x.y/a@b.example",
    ];
    for (const text of [...texts, ...sample]) {
      const accounts = [...accountNames([text]), ...extra];
      expect(protectUserNames(text, accounts, salt)).toBe(scriptProtectUserNames(text, accounts, salt));
    }
  });

  // Issue 26: a case-sensitive comparison would have stored `contoso\JDoe` in plain text for a tenant that asked otherwise.
  it("redacts an account and a UPN whatever their case, to one token per name", () => {
    const text = [
      "Executing Account Name : CONTOSO\\jdoe, jdoe@contoso.com",
      "Signed in: contoso\\JDoe; CONTOSO\\JDOE; Contoso\\jDoe - mail JDoe@Contoso.com",
      "Executing Account Name : CONTOSO\\Zoe.Adams, ZOE.ADAMS@contoso.com",
      "Signed in: contoso\\zoe.adams and CONTOSO\\ZOE.ADAMS; CONTOSO\\JÖRG.MÜLLER owns CONTOSO\\jörg.müller",
    ].join("\r\n");
    const accounts = [...accountNames([text]), "CONTOSO\\Jörg.Müller"];
    expect(accounts.slice(0, 2)).toEqual(["CONTOSO\\jdoe", "CONTOSO\\Zoe.Adams"]);
    const out = protectUserNames(text, accounts, salt);
    expect(out).not.toMatch(/jdoe|zoe|adams|jörg|müller/i);
    const jdoe = userToken("jdoe", salt);
    const zoe = userToken("zoe.adams", salt);
    const jorg = userToken("jörg.müller", salt);
    expect(userToken("JDoe", salt)).toBe(jdoe);
    expect(out.split("\r\n")).toEqual([
      `Executing Account Name : CONTOSO\\${jdoe}, ${jdoe}@contoso.com`,
      `Signed in: contoso\\${jdoe}; CONTOSO\\${jdoe}; Contoso\\${jdoe} - mail ${jdoe}@Contoso.com`,
      `Executing Account Name : CONTOSO\\${zoe}, ${zoe}@contoso.com`,
      `Signed in: contoso\\${zoe} and CONTOSO\\${zoe}; CONTOSO\\${jorg} owns CONTOSO\\${jorg}`,
    ]);
  });

  it("replaces a name with a space only where the whole name stands, the first account listed winning", () => {
    const text = "PC\\Jo Smith and PC\\Jo and PC\\Johanna";
    expect(protectUserNames(text, ["PC\\Jo", "PC\\Jo Smith"], salt)).toBe(
      `PC\\${userToken("Jo", salt)} Smith and PC\\${userToken("Jo", salt)} and PC\\Johanna`,
    );
    expect(protectUserNames(text, ["PC\\Jo Smith", "PC\\Jo"], salt)).toBe(
      `PC\\${userToken("Jo Smith", salt)} and PC\\${userToken("Jo", salt)} and PC\\Johanna`,
    );
  });

  it("finds accounts on 1 MiB of blank lines (^\\s* with the m flag walked all of them from every line)", () => {
    const blank = `Executing Account Name : CONTOSO\\jdoe\r\n${"\r\n".repeat(512 * 1024)}    Executing Account Name : CONTOSO\\adele`;
    expect(accountNames([blank])).toEqual(["CONTOSO\\jdoe", "CONTOSO\\adele"]);
    expect(accountNames(["\n".repeat(1024 * 1024)])).toEqual([]);
  });

  it("does not read an empty value's next line as the account", () => {
    expect(accountNames(["    Executing Account Name :\r\n       DeviceId : 1234"])).toEqual([]);
  });
});

describe("UserNameRedactor's limits (the server's bound on one upload)", () => {
  it("refuses more than 1,000 distinct names, counting each name once whatever its case and wherever it appears", () => {
    const redactor = new UserNameRedactor([], salt, REDACTION_LIMITS);
    const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `U${from + i}@contoso.com u${from + i}@contoso.com`).join(" ");
    expect(redactor.protect(names(0, 600))).not.toBeNull();
    expect(redactor.protect(names(0, 1_000))).not.toBeNull(); // the same 600 again, and 400 more: 1,000
    expect(redactor.error).toBeNull();
    expect(redactor.protect(names(1_000, 1_001))).toBeNull();
    expect(redactor.error).toMatchObject({ code: "too-many-user-names", limit: 1_000 });
    expect(redactor.protect("jdoe@contoso.com")).toBeNull();
  });

  it("refuses more than 16 distinct accounts, and leaves names that cannot be accounts alone", () => {
    const accounts = Array.from({ length: 17 }, (_, i) => `CONTOSO\\user${i}`);
    const redactor = new UserNameRedactor(accounts, salt, REDACTION_LIMITS);
    expect(redactor.protect("CONTOSO\\user1")).toBeNull();
    expect(redactor.error).toMatchObject({ code: "too-many-accounts", limit: 16 });
    // Repeats and case variants are one account; SYSTEM, machine accounts and names with a backslash are none.
    const fine = new UserNameRedactor(
      [...Array(40).fill("CONTOSO\\jdoe"), "CONTOSO\\JDOE", "NT AUTHORITY\\SYSTEM", "CONTOSO\\PC$", "A\\b\\c"],
      salt,
      REDACTION_LIMITS,
    );
    expect(fine.protect("CONTOSO\\jdoe A\\b\\c")).toBe(`CONTOSO\\${userToken("jdoe", salt)} A\\b\\c`);
  });
});

describe("redaction, case by case", () => {
  const token = (name: string) => userToken(name, salt);

  it("makes a token of six hex digits of HMAC-SHA256(salt, the lower-cased name)", () => {
    // printf jdoe | openssl dgst -sha256 -hmac s3cret: ea1724…
    expect(userToken("JDoe", salt)).toBe("user-ea1724");
  });

  it("reads Executing Account Name at a line's start only, with or without spaces around the colon, trimmed", () => {
    expect(accountNames(["Executing Account Name:CONTOSO\\jdoe", "  Executing Account Name \t:   CONTOSO\\adele   \r\n"])).toEqual([
      "CONTOSO\\jdoe",
      "CONTOSO\\adele",
    ]);
    expect(accountNames(["Server Message : Executing Account Name : CONTOSO\\jdoe"])).toEqual([]);
  });

  it("accepts 16 distinct accounts and says in its refusal of 17 how many the report names", () => {
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => `CONTOSO\\user${i}`);
    const sixteen = new UserNameRedactor(accounts(16), salt, REDACTION_LIMITS);
    expect(sixteen.protect("CONTOSO\\user15")).toBe(`CONTOSO\\${token("user15")}`);
    const seventeen = new UserNameRedactor(accounts(17), salt, REDACTION_LIMITS);
    expect(seventeen.protect("x")).toBeNull();
    expect(seventeen.error?.message).toBe("The report names 17 different Executing Account Name accounts; at most 16 are accepted");
  });

  it("replaces an account's name right after a backslash only, every occurrence, back to back", () => {
    expect(protectUserNames("xjdoe, PC\\me and xjdoe", ["PC\\jdoe"], salt)).toBe("xjdoe, PC\\me and xjdoe");
    expect(protectUserNames("PC\\jdoe\\jdoe", ["PC\\jdoe"], salt)).toBe(`PC\\${token("jdoe")}\\${token("jdoe")}`);
    expect(protectUserNames("C:\\jd and C:\\jxyz", ["PC\\jdoe"], salt)).toBe("C:\\jd and C:\\jxyz");
    expect(protectUserNames("C:\\jd", ["PC\\jdoe"], salt)).toBe("C:\\jd"); // the text ends before the name would
  });

  it("takes as an account only DOMAIN\\name with a name, never a machine account", () => {
    expect(protectUserNames("PC\\jdoe", ["jdoe"], salt)).toBe("PC\\jdoe");
    expect(protectUserNames("PC\\jdoe", ["\\jdoe"], salt)).toBe(`PC\\${token("jdoe")}`);
    expect(protectUserNames("C:\\ data", ["PC\\"], salt)).toBe("C:\\ data");
    expect(protectUserNames("CONTOSO\\PC$ and CONTOSO\\$admin", ["CONTOSO\\PC$", "CONTOSO\\$admin"], salt)).toBe(
      `CONTOSO\\PC$ and CONTOSO\\${token("$admin")}`,
    );
  });

  it("compares an account's name without case, one UTF-16 unit at a time, as the script's regular expression does", () => {
    const cases: [string, string][] = [
      ["CONTOSO\\JDOE was here", "CONTOSO\\jdoe"],
      ["CONTOSO\\\u212Aim was here", "CONTOSO\\kim"], // the Kelvin sign lower-cases to k
      ["CONTOSO\\\u0130pek was here", "CONTOSO\\\u0130pek"], // İ lower-cases to two units: kept as it is
    ];
    // Only A-Z move in the ASCII range: a question mark is no underscore (? + 0x20 is _).
    expect(protectUserNames("CONTOSO\\j?doe", ["CONTOSO\\j_doe"], salt)).toBe("CONTOSO\\j?doe");
    for (const [text, account] of cases) {
      const redacted = protectUserNames(text, [account], salt);
      expect(redacted).toBe(scriptProtectUserNames(text, [account], salt));
      expect(redacted).toMatch(/^CONTOSO\\user-[0-9a-f]{6} was here$/);
    }
  });
});
