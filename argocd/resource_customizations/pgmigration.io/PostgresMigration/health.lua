-- Health of a PostgresMigration (pgmigration.io), for Argo CD.
-- Healthy: the app runs on the destination (Completed, SourceDestroyed).
-- Suspended: waiting on a gate a person gives (Ready waits for spec.start, Migrated for spec.promote).
-- Degraded: it will not move again without a change to its spec (PrepareFailed) or ever (Failed,
-- Expired, Cancelled), so a sync wave fails rather than wait for it.
-- Progressing: everything else, and any phase while the operator has not seen the latest spec.
-- Uses only the base and table libraries, so it runs without useOpenLibs.
local hs = {}

local function describe(phase, status)
  if status.message ~= nil and status.message ~= "" then
    return phase .. ": " .. status.message
  end
  return phase
end

if obj.status == nil or obj.status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to pick up the migration"
  return hs
end

local status = obj.status
local phase = status.phase
local generation = obj.metadata.generation

if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation .. " (it is in " .. phase .. ")"
  return hs
end

local health = {
  Completed = "Healthy",
  SourceDestroyed = "Healthy",
  Ready = "Suspended",
  Migrated = "Suspended",
  PrepareFailed = "Degraded",
  Failed = "Degraded",
  Expired = "Degraded",
  Cancelled = "Degraded",
  Pending = "Progressing",
  Preparing = "Progressing",
  MaintenanceOn = "Progressing",
  Migrating = "Progressing",
  Verifying = "Progressing",
  Promoting = "Progressing",
}

hs.status = health[phase]
if hs.status == nil then
  hs.status = "Unknown"
  hs.message = "Unknown phase " .. phase .. "; this health check is older than the operator"
  return hs
end
hs.message = describe(phase, status)
return hs
