export * from './prisma.service';
export * from './organization.repository';
export * from './api-key.repository';
export * from './store-binding.repository';
export * from './master-key-version.repository';
export * from './audit.repository';
export * from './catalog.module';
