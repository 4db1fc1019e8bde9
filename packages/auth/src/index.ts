/** @coldchain/auth: secrets for devices and API tokens, hashed with scrypt and compared in constant time. */
export { generateSecret, generateTraceCode, hashSecret, isSameToken, verifySecret } from './secrets.ts';
