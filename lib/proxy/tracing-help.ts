/**
 * How to capture what JoinScope needs when a file is missing: the connector's verbose trace (a .NET trace listener
 * added to the connector service's .config file) and a browser session. Cited in docs/domain.md.
 */

/** The system.diagnostics block to add inside <configuration> of the connector service's .config file. */
export const VERBOSE_TRACE_SNIPPET = `<system.diagnostics>
  <trace autoflush="true" indentsize="4">
    <listeners>
      <add name="consoleListener" type="System.Diagnostics.ConsoleTraceListener" />
      <add name="textListener" type="System.Diagnostics.TextWriterTraceListener"
           initializeData="C:\\ProgramData\\Microsoft\\Microsoft Entra private network connector\\Trace\\connector-verbose.log"
           traceOutputOptions="DateTime">
        <filter type="System.Diagnostics.EventTypeFilter" initializeData="Verbose" />
      </add>
      <remove name="Default" />
    </listeners>
  </trace>
</system.diagnostics>`;

export const TRACE_STEPS: string[] = [
  "On each connector server of the app's connector group, back up C:\\Program Files\\Microsoft Entra private network connector\\MicrosoftEntraPrivateNetworkConnectorService.exe.config (ApplicationProxyConnectorService.exe.config on connectors older than 1.5.3829.0).",
  `Add this block inside <configuration> and save:\n${VERBOSE_TRACE_SNIPPET}`,
  'Restart the service: Restart-Service WAPCsvc (the "Microsoft Entra private network connector" service).',
  "In Event Viewer, enable Applications and Services Logs > Microsoft > AadApplicationProxy > Connector > Session (View > Show Analytic and Debug Logs), so each request is logged with its transaction id.",
  "Reproduce the failure while a browser records the session: Edge or Chrome DevTools (F12) > Network > Preserve log, then Export HAR; or Fiddler with HTTPS decryption, File > Save > All Sessions (.saz).",
  "Give JoinScope the trace file, the connector's Admin log (Event Viewer > Save All Events As… XML or CSV) and the HAR or SAZ, then restore the .config file from the backup and restart the service: verbose tracing fills the disk.",
];
