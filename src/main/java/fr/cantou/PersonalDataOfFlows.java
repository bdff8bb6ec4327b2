package fr.cantou;

import fr.cantou.identity.Principal;
import fr.cantou.privacy.PersonalDataHolders;
import fr.cantou.teleconsult.PatientDataService;
import fr.cantou.visio.VisioRecords;
import fr.cantou.visio.CitizenDataService;
import fr.cantou.visio.WaitingPersonalData;
import io.vertx.core.Future;

import java.util.List;
import java.util.UUID;

/** The flows' personal data behind privacy's ports (privacy imports no flow; the node hands these over). */
final class PersonalDataOfFlows {
  private PersonalDataOfFlows() {}

  /** Visio-accueil's appointments as privacy sees them (privacy imports no flow). */
  static PersonalDataHolders.Citizens citizens(CitizenDataService visio, WaitingPersonalData waiting) {
    return new PersonalDataHolders.Citizens() {
      @Override
      public Future<PersonalDataHolders.Held> export(Principal admin, PersonalDataHolders.Citizen who, String reason,
                                                     String address) {
        return visio.personalDataOf(admin, who.email(), who.phone(), who.appointmentReference(), reason, address)
            .compose(appointments -> byContact(who) ? waiting.exportOf(admin, who.email(), who.phone(), reason, address)
                .map(places -> new PersonalDataHolders.Held(appointments, places))
                : Future.succeededFuture(new PersonalDataHolders.Held(appointments, List.of())));
      }

      @Override
      public Future<PersonalDataHolders.Erasure> erase(Principal admin, PersonalDataHolders.Citizen who, String reason,
                                                       String address) {
        return visio.eraseOf(admin, who.email(), who.phone(), who.appointmentReference(), reason, address)
            .compose(done -> (byContact(who) ? waiting.eraseOf(admin, who.email(), who.phone(), reason, address)
                : Future.succeededFuture(0))
            .map(places -> new PersonalDataHolders.Erasure(done.size(),
                (int) done.stream().filter(VisioRecords.Erasure::cancelled).count(), places)));
      }
    };
  }

  /** A place on a waiting list has a contact and no reference: found by an e-mail or a phone only. */
  private static boolean byContact(PersonalDataHolders.Citizen who) {
    return who.email() != null || who.phone() != null;
  }

  /** The teleconsultations as privacy sees them. */
  static PersonalDataHolders.Patients patients(PatientDataService teleconsultations) {
    return new PersonalDataHolders.Patients() {
      @Override
      public Future<? extends List<?>> export(Principal admin, UUID careHome, String reference, String reason, String address) {
        return teleconsultations.personalDataOf(admin, careHome, reference, reason, address);
      }

      @Override
      public Future<Integer> erase(Principal admin, UUID careHome, String reference, String reason, String address) {
        return teleconsultations.eraseOf(admin, careHome, reference, reason, address);
      }
    };
  }
}
