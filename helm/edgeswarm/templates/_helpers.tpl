{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "edgeswarm.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "edgeswarm.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "edgeswarm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "edgeswarm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: edgeswarm
{{- end -}}

{{/* Selector labels of one component: agent, origin or dashboard. */}}
{{- define "edgeswarm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "edgeswarm.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Agents and origins form one swarm: this label selects both for the gossip and API Services. */}}
{{- define "edgeswarm.swarmLabels" -}}
app.kubernetes.io/name: {{ include "edgeswarm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
edgeswarm.io/swarm-member: "true"
{{- end -}}

{{- define "edgeswarm.agentImage" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "edgeswarm.dashboardImage" -}}
{{ .Values.dashboard.image.repository }}:{{ .Values.dashboard.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "edgeswarm.secretName" -}}
{{- .Values.security.existingSecret | default (printf "%s-secrets" (include "edgeswarm.fullname" .)) -}}
{{- end -}}

{{- define "edgeswarm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "edgeswarm.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The headless Service's DNS name stands for every agent: the gossip seed. */}}
{{- define "edgeswarm.gossipSeed" -}}
{{ include "edgeswarm.fullname" . }}-gossip.{{ .Release.Namespace }}.svc.cluster.local:{{ .Values.agent.gossipPort }}
{{- end -}}

{{/* Pod security shared by every component: non-root, no privilege escalation, read-only root file system. */}}
{{- define "edgeswarm.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "edgeswarm.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Environment of an agent container; .zone overrides the node label when set. */}}
{{- define "edgeswarm.agentEnv" -}}
- name: EDGESWARM_NODEID
  valueFrom: { fieldRef: { fieldPath: {{ .nodeIdField }} } }
- name: EDGESWARM_KUBERNETES_NODENAME
  valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
- name: EDGESWARM_ADVERTISEADDRESS
  valueFrom: { fieldRef: { fieldPath: {{ if .root.Values.agent.hostNetwork }}status.hostIP{{ else }}status.podIP{{ end }} } }
- name: EDGESWARM_ZONE
  value: {{ .zone | default .root.Values.zone.default | quote }}
{{- if and .root.Values.zone.fromNodeLabel (not .zone) }}
- name: EDGESWARM_KUBERNETES_ZONENODELABEL
  value: {{ .root.Values.zone.fromNodeLabel | quote }}
{{- end }}
- name: SERVER_PORT
  value: {{ .root.Values.agent.httpPort | quote }}
- name: EDGESWARM_GOSSIP_PORT
  value: {{ .root.Values.agent.gossipPort | quote }}
- name: EDGESWARM_GOSSIP_SEEDS
  value: {{ include "edgeswarm.gossipSeed" .root | quote }}
- name: EDGESWARM_GOSSIP_CLUSTERKEY
  valueFrom: { secretKeyRef: { name: {{ include "edgeswarm.secretName" .root }}, key: cluster-key } }
- name: EDGESWARM_SECURITY_WRITETOKEN
  valueFrom: { secretKeyRef: { name: {{ include "edgeswarm.secretName" .root }}, key: write-token, optional: true } }
- name: EDGESWARM_STORAGE_DIR
  value: /data
{{- with .root.Values.agent.storage.maxBytes }}
- name: EDGESWARM_STORAGE_MAXBYTES
  value: {{ . | quote }}
{{- end }}
{{- with .root.Values.agent.transfer.maxUploadRate }}
- name: EDGESWARM_TRANSFER_MAXUPLOADRATE
  value: {{ . | quote }}
{{- end }}
{{- with .root.Values.agent.transfer.maxDownloadRate }}
- name: EDGESWARM_TRANSFER_MAXDOWNLOADRATE
  value: {{ . | quote }}
{{- end }}
- name: EDGESWARM_TRANSFER_UPLOADSLOTS
  value: {{ .root.Values.agent.transfer.uploadSlots | quote }}
{{- range $key, $value := .root.Values.agent.labels }}
- name: EDGESWARM_LABELS_{{ $key | upper | replace "-" "" | replace "." "" }}
  value: {{ $value | quote }}
{{- end }}
{{- include "edgeswarm.tlsEnv" .root }}
{{- if .root.Values.tls.enabled }}
- name: SERVER_SSL_BUNDLE
  value: peers
- name: SERVER_SSL_CLIENTAUTH
  value: need
- name: EDGESWARM_SECURITY_TLSBUNDLE
  value: peers
- name: EDGESWARM_SECURITY_TLSVERIFYHOSTNAME
  value: {{ .root.Values.tls.verifyHostname | quote }}
- name: MANAGEMENT_SERVER_PORT
  value: {{ .root.Values.tls.managementPort | quote }}
- name: MANAGEMENT_SERVER_SSL_ENABLED
  value: "false"
{{- end }}
{{- if .root.Values.signing.trustedKeysSecret }}
- name: EDGESWARM_SECURITY_TRUSTEDKEYS
  value: /etc/edgeswarm/trusted-keys
{{- end }}
- name: JAVA_OPTS
  value: {{ .root.Values.agent.javaOpts | quote }}
{{- with .root.Values.agent.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The SSL bundle "peers" from the mounted TLS Secret, for agents and the dashboard alike. */}}
{{- define "edgeswarm.tlsEnv" -}}
{{- if .Values.tls.enabled }}
- name: SPRING_SSL_BUNDLE_PEM_PEERS_KEYSTORE_CERTIFICATE
  value: file:/etc/edgeswarm/tls/tls.crt
- name: SPRING_SSL_BUNDLE_PEM_PEERS_KEYSTORE_PRIVATEKEY
  value: file:/etc/edgeswarm/tls/tls.key
- name: SPRING_SSL_BUNDLE_PEM_PEERS_TRUSTSTORE_CERTIFICATE
  value: file:/etc/edgeswarm/tls/ca.crt
{{- end }}
{{- end -}}

{{/* Mounts of the TLS and trusted-key Secrets (agents, origins and, for TLS, the dashboard). */}}
{{- define "edgeswarm.securityMounts" -}}
{{- if .Values.tls.enabled }}
- { name: tls, mountPath: /etc/edgeswarm/tls, readOnly: true }
{{- end }}
{{- if .Values.signing.trustedKeysSecret }}
- { name: trusted-keys, mountPath: /etc/edgeswarm/trusted-keys, readOnly: true }
{{- end }}
{{- end -}}

{{- define "edgeswarm.securityVolumes" -}}
{{- if .Values.tls.enabled }}
- name: tls
  secret: { secretName: {{ required "tls.secretName is required with tls.enabled" .Values.tls.secretName }} }
{{- end }}
{{- if .Values.signing.trustedKeysSecret }}
- name: trusted-keys
  secret: { secretName: {{ .Values.signing.trustedKeysSecret }} }
{{- end }}
{{- end -}}

{{/* Agents' probes: on the plain management port when the API requires client certificates. */}}
{{- define "edgeswarm.agentProbes" -}}
{{- include "edgeswarm.probes" (dict "port" (ternary "management" "http" .Values.tls.enabled)) }}
{{- end -}}

{{/* Extra container port of agents with TLS: health and metrics in plain HTTP. */}}
{{- define "edgeswarm.managementPort" -}}
{{- if .Values.tls.enabled }}
- { name: management, containerPort: {{ .Values.tls.managementPort }}, protocol: TCP }
{{- end }}
{{- end -}}

{{/* Probes on the actuator health groups; the startup probe gives a cold JVM time before liveness counts. */}}
{{- define "edgeswarm.probes" -}}
startupProbe:
  httpGet: { path: /actuator/health/liveness, port: {{ .port }} }
  periodSeconds: 5
  failureThreshold: 36
livenessProbe:
  httpGet: { path: /actuator/health/liveness, port: {{ .port }} }
  periodSeconds: 15
  timeoutSeconds: 3
  failureThreshold: 4
readinessProbe:
  httpGet: { path: /actuator/health/readiness, port: {{ .port }} }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}
