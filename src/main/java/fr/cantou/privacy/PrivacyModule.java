package fr.cantou.privacy;

import fr.cantou.platform.CantouModule;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.ClientAddress;

import java.util.List;

/**
 * An admin's RGPD requests for a person on a node, built once. The flows that hold her data come
 * in behind privacy's ports ({@link PersonalDataHolders}): privacy imports no flow.
 */
public final class PrivacyModule implements CantouModule {
  private final PersonalDataRoutes routes;

  public PrivacyModule(Platform platform, PersonalDataHolders.Citizens citizens, PersonalDataHolders.Patients patients,
                       ClientAddress addresses) {
    this.routes = new PersonalDataRoutes(new PersonalDataService(citizens, patients, platform.clock()), addresses);
  }

  @Override
  public List<ApiModule> routes() {
    return List.of(routes);
  }
}
