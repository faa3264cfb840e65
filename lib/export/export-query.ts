import { z } from "zod";
import { DeviceListParamsSchema } from "@/lib/url-params/device-list-params";
import { FindingListParamsSchema } from "@/lib/url-params/finding-list-params";
import { ExportFormatSchema } from "./export-format";
import { MAX_EXPORT_SUBJECTS } from "./export-source";

/** A subject or row key as the lists and the device page use them: "d:<deviceId>", "o:<objectId>", "h:<host>". */
const SubjectKey = z.string().regex(/^[odh]:[^\u0000-\u001f]{1,300}$/, "subject is a row's key: d:<deviceId>, o:<objectId> or h:<hostname>");

const Subjects = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(SubjectKey).max(MAX_EXPORT_SUBJECTS, `at most ${MAX_EXPORT_SUBJECTS} subject= keys; export the filtered list for more`),
);

/**
 * An export's query string: the format (strict: a bad one is a 400), the selected rows (`subject=`, repeated,
 * strict), and the list's own filters and order, parsed by the list's own schema (lenient as on the page: the
 * export link is built from the page's URL), so a filter the list gains is a filter of its export.
 */
export const DeviceExportQuery = DeviceListParamsSchema.extend({ format: ExportFormatSchema.default("csv"), subject: Subjects });
export const FindingExportQuery = FindingListParamsSchema.extend({ format: ExportFormatSchema.default("csv"), subject: Subjects });
