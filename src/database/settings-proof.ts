/**
 * Proves a transaction's `app.*` settings to the database (migrations/1763970000000): an
 * HMAC-SHA256 of user, council, role, session and expiry under a key derived from the service's
 * secret. The database holds the same key as its two HMAC pads in `app_session_keys`, which
 * only the owner role reads, and its helpers (`app_user_id()`, `app_council_id()`,
 * `app_role()`) answer NULL for settings whose proof does not match. So SQL run as the
 * application role cannot make itself another user, another council or a platform admin.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';

/** What row-level security reads, as the transaction sets it. */
export interface ProvenSettings {
  userId: string;
  councilId: string;
  role: string;
  sessionId: string;
  /** Unix seconds after which the database refuses the proof. */
  expiresAt: number;
  proof: string;
}

const BLOCK = 64;

export class SettingsProver {
  private readonly key: Buffer;
  /** Names the key, so a rotated secret can sit beside the old one while processes roll. */
  readonly keyId: string;

  constructor(secret: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', secret, 'joint-working-hub', 'database-settings', 32),
    );
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  /** The HMAC's inner and outer pads: what the database needs to check a proof. */
  pads(): { innerPad: Buffer; outerPad: Buffer } {
    const padded = Buffer.alloc(BLOCK);
    this.key.copy(padded);
    return {
      innerPad: Buffer.from(padded.map((byte) => byte ^ 0x36)),
      outerPad: Buffer.from(padded.map((byte) => byte ^ 0x5c)),
    };
  }

  prove(settings: Omit<ProvenSettings, 'proof'>): ProvenSettings {
    const message = [
      settings.userId,
      settings.councilId,
      settings.role,
      settings.sessionId,
      String(settings.expiresAt),
    ].join('|');
    const mac = createHmac('sha256', this.key).update(message, 'utf8').digest('hex');
    return { ...settings, proof: `${this.keyId}.${mac}` };
  }
}
