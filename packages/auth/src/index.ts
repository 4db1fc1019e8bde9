/** @coldchain/auth: secrets for devices and API tokens, hashed for storage and compared in constant time. */
export { generateSecret, generateTraceCode, hashSecret, hashSecretWithScrypt, isSameToken, verifySecret } from './secrets.ts';
