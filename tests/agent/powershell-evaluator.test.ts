/**
 * The evaluator follows PowerShell's rules where they differ from JavaScript's (the results below are what
 * Windows PowerShell 5.1 and PowerShell 7 print for the same functions), and refuses what it does not model.
 */
import { describe, expect, it } from "vitest";
import { PowerShellEvaluator, PsThrow, PsUnsupported, toPlain } from "./powershell-evaluator";
import { parsePowerShell } from "./powershell-syntax";

async function evaluator(code: string, mocks = {}) {
  return new PowerShellEvaluator(await parsePowerShell(code), { mocks });
}

describe("PowerShellEvaluator", () => {
  it("compares strings case-insensitively and converts the right operand to the left one's type", async () => {
    const ps = await evaluator(`function F($a, $b) { return ($a -eq $b) }`);
    expect(ps.call("F", {}, ["PC-0387", "pc-0387"])).toBe(true);
    expect(ps.call("F", {}, [401, "401"])).toBe(true);
    expect(ps.call("F", {}, ["401", 401])).toBe(true);
    expect(ps.call("F", {}, [401, "x"])).toBe(false);
  });

  it("filters when an array is on the left of -eq, and tests membership with -in / -contains", async () => {
    const ps = await evaluator(`function F($a) { return @($a -eq 2) }
function G($x) { return ($x -in @(407, 408)) }`);
    expect(ps.callAll("F", {}, [[1, 2, 3, 2]])).toEqual([2, 2]);
    expect(ps.call("G", {}, [408])).toBe(true);
    expect(ps.call("G", {}, [400])).toBe(false);
  });

  it("treats '', 0, $null and empty arrays as false, 'False' as true", async () => {
    const ps = await evaluator(`function T($v) { if ($v) { return 'yes' } return 'no' }`);
    expect(["", 0, null, [], "False", "0", [0], [1, 0]].map((v) => ps.call("T", {}, [v]))).toEqual(["no", "no", "no", "no", "yes", "yes", "no", "yes"]);
  });

  it("unrolls arrays on return unless written `return , $x`; a function's outputs all count", async () => {
    const ps = await evaluator(`function A { return @(1, 2) }
function B { return , @(1, 2) }
function C { 1; 2; return 3 }
function D { return @() }`);
    expect(ps.call("A")).toEqual([1, 2]);
    expect(ps.call("B")).toEqual([1, 2]);
    expect(ps.callAll("B")).toEqual([[1, 2]]);
    expect(ps.call("C")).toEqual([1, 2, 3]);
    expect(ps.call("D")).toBeNull();
  });

  it("casts to [int] with banker's rounding, binds typed parameters and their defaults", async () => {
    const ps = await evaluator(`function F([int]$n, [string]$s, [int]$d = 7) { return @($n, $s, $d) }`);
    expect(ps.call("F", {}, [2.5, 3])).toEqual([2, "3", 7]);
    expect(ps.call("F", { n: "3.5", d: 1 })).toEqual([4, "", 1]);
  });

  it("reads hashtable keys case-insensitively and refuses a variable that was never set (strict mode)", async () => {
    const ps = await evaluator(`function F($h) { return $h.status }
function G { return $missing }`);
    expect(ps.call("F", {}, [new (await import("./powershell-evaluator")).PsHashtable({ Status: 407 })])).toBe(407);
    expect(() => ps.call("G")).toThrow(PsThrow);
  });

  it("runs loops, try/catch, -match with $Matches, -f and [math]", async () => {
    const ps = await evaluator(`function F([string]$t) {
    $sum = 0
    foreach ($i in 1..4) { if ($i -eq 3) { continue }; $sum += $i }
    try { throw 'boom' } catch { $caught = $_.Exception.Message }
    if ($t -match 'id: (\\d+)') { $id = $Matches[1] } else { $id = '' }
    return ('{0}-{1}-{2}-{3}' -f $sum, $caught, $id, [math]::Min(5, [math]::Pow(2, 3)))
}`);
    expect(ps.call("F", {}, ["ID: 42"])).toBe("7-boom-42-5");
  });

  it("calls mocks for commands it is given, and refuses commands it does not know", async () => {
    const ps = await evaluator(`function F { $r = Get-Random -Maximum 10; return $r * 2 }`);
    expect(() => ps.call("F")).toThrow(PsUnsupported);
    const mocked = await evaluator(`function F { $r = Get-Random -Maximum 10; return $r * 2 }`, { "Get-Random": () => 4 });
    expect(mocked.call("F")).toBe(8);
  });

  it("keeps [ordered] hashtables' key order", async () => {
    const ps = await evaluator(`function F { $h = [ordered]@{ b = 1; a = 2 }; $h['c'] = 3; return $h }`);
    expect(Object.keys(toPlain(ps.call("F")) as object)).toEqual(["b", "a", "c"]);
  });
});
