package fr.cantou.privacy;

import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ClientAddress;

/**
 * An admin's RGPD requests for a person on a node, built once. The flows that hold her data come
 * in behind privacy's ports ({@link PersonalDataHolders}): privacy imports no flow.
 */
public final class PrivacyModule {
  public final PersonalDataRoutes routes;

  public PrivacyModule(Platform platform, PersonalDataHolders.Citizens citizens, PersonalDataHolders.Patients patients,
                       ClientAddress addresses) {
    this.routes = new PersonalDataRoutes(new PersonalDataService(citizens, patients, platform.clock()), addresses);
  }
}
