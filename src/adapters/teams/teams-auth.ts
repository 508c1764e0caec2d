import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import {
  AppCredentials,
  AuthenticationConstants,
  AuthenticationError,
  JwtTokenProviderFactory,
  ManagedIdentityServiceClientCredentialsFactory,
  type BotFrameworkAuthentication,
  PasswordServiceClientCredentialFactory,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { TeamsConfig } from '../../config.js';
import type { ConnectorToken } from './bot-connector.js';

/**
 * Where the Bot Framework's identity services are. Production uses Microsoft's defaults; tests point
 * them at local fakes (the remote platform), exactly like SLACK_API_URL for Slack.
 */
export interface TeamsAuthEndpoints {
  /** OpenID metadata whose keys sign the tokens on inbound activities. */
  openIdMetadataUrl?: string;
  /** Issues the tokens po-desk sends to the Bot Connector (Azure AD in production). */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

export interface TeamsAuth {
  /** For botbuilder's CloudAdapter: validates inbound tokens (or accepts anything with TEAMS_AUTH=off). */
  authentication: BotFrameworkAuthentication;
  /** Bearer tokens for outgoing Bot Connector calls; undefined with TEAMS_AUTH=off. */
  connectorToken: ConnectorToken;
  appId: string | undefined;
}

export function teamsAuth(config: TeamsConfig, endpoints: TeamsAuthEndpoints = {}): TeamsAuth {
  if (config.authOff) {
    // No app id: botbuilder treats authentication as disabled, as with the Bot Framework Emulator.
    return {
      authentication: new ConfigurationBotFrameworkAuthentication({}),
      connectorToken: async () => undefined,
      appId: undefined,
    };
  }
  const appId = config.appId!;
  const factory =
    endpoints.credentialsFactory ??
    (config.appType === 'UserAssignedMSI'
      ? new ManagedIdentityServiceClientCredentialsFactory(appId, new JwtTokenProviderFactory())
      : new PasswordServiceClientCredentialFactory(appId, config.appPassword ?? '', config.tenantId ?? ''));
  const authentication = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: config.tenantId,
      // Overriding one endpoint makes botbuilder expect all of them: the rest are the public cloud's.
      ...(endpoints.openIdMetadataUrl
        ? {
            ToBotFromChannelOpenIdMetadataUrl: endpoints.openIdMetadataUrl,
            ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
            ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
            ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
            OAuthUrl: AuthenticationConstants.OAuthUrl,
            ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
            CallerId: 'urn:botframework:azure',
          }
        : {}),
    },
    factory,
  );
  refuseBadTokensWith401(authentication);
  let credentials: Promise<unknown> | undefined;
  const loginUrl =
    config.appType === 'SingleTenant' && config.tenantId
      ? `https://login.microsoftonline.com/${config.tenantId}`
      : AuthenticationConstants.ToChannelFromBotLoginUrl;
  return {
    authentication,
    appId,
    async connectorToken() {
      credentials ??= factory.createCredentials(appId, AuthenticationConstants.ToChannelFromBotOAuthScope, loginUrl, true);
      const c = await credentials;
      // AppCredentials caches the token and refreshes it before it expires.
      return c instanceof AppCredentials ? c.getToken() : undefined;
    },
  };
}

/**
 * botbuilder 4.23 rethrows jsonwebtoken's own errors (a forged signature: "invalid signature") as they
 * are, not as an AuthenticationError, so CloudAdapter would answer 500 and Teams would retry. A token
 * that does not verify is the request's fault: 401.
 */
function refuseBadTokensWith401(authentication: BotFrameworkAuthentication): void {
  const authenticate = authentication.authenticateRequest.bind(authentication);
  authentication.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticate(activity, authHeader);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'TokenExpiredError') {
        throw new AuthenticationError(`Unauthorized: ${(error as Error).message}`, 401);
      }
      throw error;
    }
  };
}
