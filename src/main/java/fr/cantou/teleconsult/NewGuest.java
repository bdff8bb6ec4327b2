package fr.cantou.teleconsult;

/**
 * What the nurse or the doctor sends to invite someone into the call (validated by the OpenAPI
 * document first): her name, why she comes ({@code interpreter}, {@code family}, {@code gp}: the
 * resident's regular GP), where the link goes (an e-mail address or a French mobile number, one
 * of them) and the resident's consent to her presence.
 */
public record NewGuest(String name, String role, String email, String phone, NewTeleconsultation.Consent consent) {}
