import { describe, expect, it } from "vitest";
import { findingFilterQuery, findingListHref, parseFindingListParams } from "./finding-list-params";

describe("the Findings page's view in the URL", () => {
  it("reads view=causes, falls back to the flat list for anything else", () => {
    expect(parseFindingListParams({ view: "causes" }).view).toBe("causes");
    expect(parseFindingListParams({}).view).toBe("list");
    expect(parseFindingListParams({ view: "pie-chart" }).view).toBe("list");
    expect(parseFindingListParams({ view: ["causes", "list"] }).view).toBe("causes");
  });

  it("keeps the view in the page's links but not in the filters the export and bulk acknowledge carry", () => {
    const params = parseFindingListParams({ view: "causes", severity: "high", q: "PC-0466" });
    expect(findingListHref(params)).toBe("/findings?severity=high&q=PC-0466&view=causes");
    expect(findingListHref(params, { view: "list", rule: "prt-missing" })).toBe("/findings?severity=high&rule=prt-missing&q=PC-0466");
    expect(findingFilterQuery(params).toString()).toBe("severity=high&q=PC-0466");
  });
});
