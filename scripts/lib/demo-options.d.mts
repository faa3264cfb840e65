export interface DemoOptions {
  host: string;
  port: string;
  simPort: string;
  baseUrl: string;
  serveArgs: string[];
  listening: string;
}
export function demoOptions(argv: string[], env: Record<string, string | undefined>): DemoOptions;
