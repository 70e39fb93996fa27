-- Cognito addresses app clients by id alone (InitiateAuth has no pool id): ids are unique.
CREATE UNIQUE INDEX clients_by_client_id ON clients (client_id);
