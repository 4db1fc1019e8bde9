/** @coldchain/auth: secrets for devices and API tokens, people's passwords, hashed for storage and compared in constant time. */
export { generateSecret, generateTraceCode, hashSecret, hashSecretWithScrypt, isSameToken, verifySecret } from './secrets.ts';
export { API_KEY_PREFIX, generateApiKey, hashPassword, parseApiKey, PASSWORD_KDF, verifyPassword } from './passwords.ts';
