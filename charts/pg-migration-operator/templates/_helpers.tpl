{{/* The operator's image reference: repository:tag, the tag defaulting to appVersion. */}}
{{- define "pgmo.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The operator's ServiceAccount as a binding subject. */}}
{{- define "pgmo.subject" -}}
- kind: ServiceAccount
  name: pg-migration-operator
  namespace: {{ .Release.Namespace }}
{{- end }}

{{/* A RoleBinding granting the operator's ClusterRole in namespace ".ns". */}}
{{- define "pgmo.roleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: pg-migration-operator
  namespace: {{ .ns }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: pg-migration-operator
subjects:
{{ include "pgmo.subject" .root }}
{{- end }}
