package fr.cantou.privacy;

import fr.cantou.identity.Principal;
import io.vertx.core.Future;

import java.util.List;
import java.util.UUID;

/**
 * The flows that hold a person's data, as privacy sees them: each finds, exports (auditing
 * every item) and erases in its own store. Privacy imports no flow: CantouNode hands over
 * visio-accueil's and the teleconsultations' services behind these.
 */
public final class PersonalDataHolders {
  private PersonalDataHolders() {}

  /**
   * A citizen's appointments and waiting-list places, found by the e-mail or the phone she gave; or one appointment by
   * its reference (she was booked without any contact, by a mediator or at a point's screen: her letter names it).
   */
  public interface Citizens {
    Future<Held> export(Principal admin, Citizen who, String reason, String address);

    Future<Erasure> erase(Principal admin, Citizen who, String reason, String address);
  }

  /** Who a citizen's request is about: one of the three is given. */
  public record Citizen(String email, String phone, String appointmentReference) {}

  /** What is held of a citizen: her appointments, and her places on waiting lists. */
  public record Held(List<?> appointments, List<?> waitingPlaces) {}

  /** How many appointments were erased, how many of them were still to come (cancelled first), how many places on waiting lists. */
  public record Erasure(int erased, int cancelled, int waitingPlaces) {}

  /** A patient's teleconsultations, found by her care home's reference. */
  public interface Patients {
    Future<? extends List<?>> export(Principal admin, UUID careHomeId, String reference, String reason, String address);

    /** How many requests were erased. */
    Future<Integer> erase(Principal admin, UUID careHomeId, String reference, String reason, String address);
  }
}
