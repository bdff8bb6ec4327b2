package fr.cantou.audit;

import fr.cantou.platform.CantouModule;
import fr.cantou.platform.Jobs;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiModule;

import java.util.List;

/** The admins' audit trail on a node, built once: its pages and CSV, and its retention job. */
public final class AuditModule implements CantouModule {
  private final AuditRoutes routes;
  private final AuditService service;

  public AuditModule(Platform platform) {
    this.service = new AuditService(platform, new AuditStore());
    this.routes = new AuditRoutes(service);
  }

  @Override
  public List<ApiModule> routes() {
    return List.of(routes);
  }

  @Override
  public List<Jobs.Job> jobs() {
    return List.of(new Jobs.Job("audit_retention", service::purge));
  }
}
