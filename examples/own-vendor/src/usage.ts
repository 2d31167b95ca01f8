import { CredentialsRejectedError, TokenRequestError } from '@tokenwire/auth-middleware';
import { createForgeClient } from './forge-client';

/** Lists the installation's repositories, telling the failures apart. */
export async function listRepositories(baseUrl: string, privateKey: string): Promise<string[]> {
  const forge = createForgeClient({ baseUrl, appId: '42', installationId: '7', privateKey });
  try {
    const { data, error } = await forge.GET('/installation/repositories');
    if (error) throw new Error(`Forge refused the call: ${error.message}`);
    return data.repositories.map((repository) => repository.full_name);
  } catch (error) {
    if (error instanceof CredentialsRejectedError) {
      // 401 from the token endpoint: wrong App id, installation or key.
      throw new Error(`Check the App's key and id: ${error.message}`, { cause: error });
    }
    if (error instanceof TokenRequestError && error.code === 'TOKEN_REQUEST_BUILD_FAILED') {
      // Nothing was sent: the key could not be imported or the assertion signed.
      throw new Error(`The private key is not usable: ${error.message}`, { cause: error });
    }
    // Any other tokenwire error is an AuthError too, with a stable `code`.
    throw error;
  }
}
