/** The simulated tenant's Application Proxy: connector groups with their connectors and published apps (served by graph/application-proxy.ts). */
export interface SimConnector {
  id: string;
  machineName: string;
  externalIp: string;
  status: "active" | "inactive";
  version: string;
}

export interface SimProxyApplication {
  id: string;
  appId: string;
  displayName: string;
  onPremisesPublishing: {
    externalUrl: string;
    internalUrl: string;
    applicationServerTimeout: "default" | "long";
    externalAuthenticationType: "passthru" | "aadPreAuthentication";
    isTranslateHostHeaderEnabled: boolean;
    isTranslateLinksInBodyEnabled: boolean;
    isBackendCertificateValidationEnabled?: boolean;
  };
}

export interface SimConnectorGroup {
  id: string;
  name: string;
  connectorGroupType: "applicationProxy";
  isDefault: boolean;
  region: string;
  connectors: SimConnector[];
  applications: SimProxyApplication[];
}
