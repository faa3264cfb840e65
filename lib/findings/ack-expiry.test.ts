import { describe, expect, it } from "vitest";
import { AckTicket, AckUntil, MAX_ACK_DAYS, ackExpiry } from "./acknowledge-findings";

// "Until Friday", asked on Wednesday 2026-03-04 at midnight UTC and at 08:00 UTC.
const midnight = new Date("2026-03-04T00:00:00.000Z");
const morning = new Date("2026-03-04T08:00:00.000Z");

describe("ackExpiry", () => {
  it("lapses at the start of the day after the one named, so it holds through that whole day", () => {
    expect(ackExpiry("2026-03-06", morning)).toEqual({ ok: true, at: new Date("2026-03-07T00:00:00.000Z") });
    expect(ackExpiry("2026-03-04", morning)).toEqual({ ok: true, at: new Date("2026-03-05T00:00:00.000Z") });
  });

  it("refuses a day already over, up to the instant it ends", () => {
    const passed = { ok: false, message: "The expiry date has passed: choose today or a later day" };
    expect(ackExpiry("2026-03-03", morning)).toEqual(passed);
    // Yesterday ended at this very instant.
    expect(ackExpiry("2026-03-03", midnight)).toEqual(passed);
    expect(ackExpiry("2026-03-04", new Date("2026-03-04T23:59:59.999Z"))).toEqual({ ok: true, at: new Date("2026-03-05T00:00:00.000Z") });
    expect(ackExpiry("2026-03-04", new Date("2026-03-05T00:00:00.000Z"))).toEqual(passed);
  });

  it(`holds for at most ${MAX_ACK_DAYS} days: exactly that long is accepted, a millisecond more refused`, () => {
    expect(MAX_ACK_DAYS).toBe(366);
    // From midnight, 2027-03-04 lapses at 2027-03-05T00:00Z: 366 days to the millisecond.
    expect(ackExpiry("2027-03-04", midnight)).toEqual({ ok: true, at: new Date("2027-03-05T00:00:00.000Z") });
    const tooFar = { ok: false, message: "Acknowledge for at most 366 days" };
    expect(ackExpiry("2027-03-04", new Date(midnight.getTime() - 1))).toEqual(tooFar);
    expect(ackExpiry("2027-03-05", midnight)).toEqual(tooFar);
  });

  it("refuses, naming it, a day the calendar does not have", () => {
    // 2026 is no leap year.
    for (const day of ["2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10"]) {
      expect(ackExpiry(day, morning)).toEqual({ ok: false, message: `${day} is not a date` });
    }
    expect(ackExpiry("2026-02-28", new Date("2026-02-27T12:00:00.000Z"))).toEqual({ ok: true, at: new Date("2026-03-01T00:00:00.000Z") });
    expect(ackExpiry("2026-12-31", morning)).toEqual({ ok: true, at: new Date("2027-01-01T00:00:00.000Z") });
  });
});

describe("the acknowledgement's ticket and expiry fields", () => {
  it("takes a change or incident reference, trimmed, and reads an empty one as none", () => {
    expect(AckTicket.parse("  CHG-1234 ")).toBe("CHG-1234");
    expect(AckTicket.parse("INC 77/2026 #3: 4.a_b")).toBe("INC 77/2026 #3: 4.a_b");
    expect(AckTicket.parse("Änderung-12")).toBe("Änderung-12");
    expect(AckTicket.parse("   ")).toBeUndefined();
    expect(AckTicket.parse(undefined)).toBeUndefined();
    expect(AckTicket.parse("x".repeat(100))).toHaveLength(100);
  });

  it("refuses a ticket with other characters, or over 100 characters, saying why", () => {
    const message = (value: string) => AckTicket.safeParse(value).error?.issues[0]?.message;
    expect(message("<script>")).toBe("A ticket reference holds letters, digits, spaces and # : / . _ -");
    expect(message("CHG-1\n2")).toBe("A ticket reference holds letters, digits, spaces and # : / . _ -");
    expect(message("x".repeat(101))).toBe("Use at most 100 characters for the ticket");
  });

  it("takes an expiry as a whole YYYY-MM-DD date, trimmed, and an empty one as none", () => {
    expect(AckUntil.parse(" 2026-03-06 ")).toBe("2026-03-06");
    expect(AckUntil.parse("")).toBeUndefined();
    expect(AckUntil.parse(undefined)).toBeUndefined();
    for (const value of ["Friday", "2026-3-6", "2026-03-06T00:00", "x2026-03-06", "06.03.2026"]) {
      expect(AckUntil.safeParse(value).error?.issues[0]?.message).toBe("Give the expiry as a date (YYYY-MM-DD)");
    }
  });
});
