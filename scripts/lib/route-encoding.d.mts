import type { IncomingMessage, ServerResponse } from "node:http";
export const SERVER_ENCODES_HEADER: string;
export const CONTENT_ENCODING_MARK: string;
export function letRoutesEncode(req: IncomingMessage, res: ServerResponse): void;
