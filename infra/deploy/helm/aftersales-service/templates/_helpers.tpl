{{- define "aftersales.service" -}}
{{- required "service is required (intake, dispatch, spares or quality)" .Values.service -}}
{{- end -}}

{{- define "aftersales.name" -}}
{{- printf "%s-%s" .Release.Name (include "aftersales.service" .) | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "aftersales.labels" -}}
app.kubernetes.io/name: {{ include "aftersales.service" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: aftersales
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "aftersales.selector" -}}
app.kubernetes.io/name: {{ include "aftersales.service" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "aftersales.secretName" -}}
{{- default (printf "%s-secret" (include "aftersales.name" .)) .Values.secret.existingSecret -}}
{{- end -}}
