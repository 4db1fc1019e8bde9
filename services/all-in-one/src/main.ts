import { PortInUseError } from '@coldchain/broker';
import { systemClock } from '@coldchain/bus';
import { parseEnv } from '@coldchain/schemas';
import { join, resolve } from 'node:path';
import { runService, StartupError, urlForLog } from '@coldchain/runtime';
import { buildAllInOne } from './app.ts';
import type { AllInOneInfo } from './app.ts';
import { allInOneEnvSchema } from './config.ts';
import type { AllInOneConfig } from './config.ts';

/**
 * Where the admin token is, never the token itself: a terminal's scrollback, a CI log or a screen share
 * must not carry it (issue 12, item 4). The file is the owner's only, so reading it needs the account
 * that runs the service.
 */
function adminTokenLines(config: AllInOneConfig, info: AllInOneInfo): string[] {
  if (config.COLDCHAIN_ADMIN_TOKEN) return ['  Admin token 管理令牌:        from COLDCHAIN_ADMIN_TOKEN (取自环境变量)'];
  const path = resolve(join(config.DATA_DIR, 'admin-token'));
  return [
    `  Admin token 管理令牌:        ${info.isAdminTokenGenerated ? 'generated into 已生成于' : 'kept in 保存在'} ${path} (owner-only 仅所有者可读)`,
    `                              show it 查看:  cat ${path}`,
  ];
}

function printWelcome(config: AllInOneConfig, info: AllInOneInfo): void {
  const lines = [
    '',
    'coldchain is running (冷链监控已启动)',
    `  Station console 站点控制台:  ${info.apiUrl}/console`,
    `  API docs (OpenAPI):         ${info.apiUrl}/docs`,
    `  MQTT broker:                ${urlForLog(info.mqttUrl)}`,
    ...adminTokenLines(config, info),
  ];
  const failing = info.demoShipments.find((s) => s.hasAcFailure);
  if (failing) {
    lines.push(`  Consumer page, the shipment hit by the hub AC failure 枢纽仓空调故障批次: ${info.apiUrl}/t/${failing.traceCode}`);
    const healthy = info.demoShipments.find((s) => !s.hasAcFailure);
    if (healthy) lines.push(`  Consumer page, a healthy shipment 正常批次: ${info.apiUrl}/t/${healthy.traceCode}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

runService({
  name: 'coldchain',
  loadConfig: () => parseEnv(allInOneEnvSchema, process.env),
  async start(config, log) {
    const service = buildAllInOne(config, { clock: systemClock, log });
    let isFirstWave = true;
    try {
      const info = await service.start((update) => {
        if (isFirstWave) printWelcome(config, update);
        isFirstWave = false;
      });
      if (config.DEMO !== '1') printWelcome(config, info);
    } catch (error) {
      if (error instanceof PortInUseError) {
        throw new StartupError(`MQTT port ${error.port} is already in use. Set MQTT_PORT to another port, or MQTT_URL to use an external broker.`);
      }
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new StartupError(`HTTP port ${config.PORT} is already in use. Set PORT to another port.`);
      }
      throw error;
    }
    return service;
  },
});
