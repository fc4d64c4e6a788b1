import { Controller, Get, Inject, NotFoundException, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PUBLIC_ROUTE, type ServiceTokenSigner } from '@postera/platform';
import { SERVICE_TOKENS } from '../upstream/services.js';

/**
 * The public keys of the tokens the gateway signs for the services, where they fetch them
 * (SERVICE_AUTH_JWKS_URL). Public like the probes: a public key opens nothing.
 */
@ApiExcludeController()
@SetMetadata(PUBLIC_ROUTE, true)
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(SERVICE_TOKENS) private readonly signer: ServiceTokenSigner | null) {}

  @Get('jwks.json')
  jwks() {
    if (!this.signer) throw new NotFoundException('the gateway has no signing key (SERVICE_TOKEN_KEYS)');
    return this.signer.jwks;
  }
}
