/*
 * msrp_tls.c - the TLS context of a socket: our certificate and key (from
 * files, or a self-signed pair made once and kept), the RNG, and the client
 * and server configurations.  Connections are in msrp_tls_conn.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <re.h>
#include "msrp/msrp_log.h"
#include "msrp/msrp_tls_int.h"

static const char cert_name[] = "msrp-tls-cert.pem";
static const char key_name[]  = "msrp-tls-key.pem";

static void tls_destructor(void *data)
{
	struct msrp_tls *tls = data;

	mbedtls_ssl_config_free(&tls->client);
	mbedtls_ssl_config_free(&tls->server);
	mbedtls_x509_crt_free(&tls->ca);
	mbedtls_x509_crt_free(&tls->crt);
	mbedtls_pk_free(&tls->key);
	mbedtls_ctr_drbg_free(&tls->drbg);
	mbedtls_entropy_free(&tls->entropy);
}

/* The peer's certificate is not judged during the handshake: its
 * fingerprint or its CA chain is, afterwards (msrp_tls_judge.c). */
static int verify_by_fingerprint_later(void *arg, mbedtls_x509_crt *crt,
				       int depth, uint32_t *flags)
{
	(void)arg;
	(void)crt;
	(void)depth;
	*flags = 0;
	return 0;
}

static int config_init(struct msrp_tls *tls, mbedtls_ssl_config *conf,
		       int endpoint)
{
	int r;

	mbedtls_ssl_config_init(conf);
	r = mbedtls_ssl_config_defaults(conf, endpoint,
					MBEDTLS_SSL_TRANSPORT_STREAM,
					MBEDTLS_SSL_PRESET_DEFAULT);
	if (r)
		return ENOMEM;
	mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3,
				     MBEDTLS_SSL_MINOR_VERSION_3); /* 1.2 */
	mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &tls->drbg);
	/* Both ends must show a certificate (RFC 8122 section 6.5). */
	mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(conf, &tls->crt, NULL);
	mbedtls_ssl_conf_verify(conf, verify_by_fingerprint_later, NULL);
	r = mbedtls_ssl_conf_own_cert(conf, &tls->crt, &tls->key);
	return r ? EINVAL : 0;
}

static int write_file(const char *path, const unsigned char *data,
		      size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	int err = 0;

	if (fd < 0)
		return errno;
	while (len && !err) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno != EINTR)
			err = errno;
		else if (n > 0) {
			data += n;
			len -= (size_t)n;
		}
	}
	if (close(fd) && !err)
		err = errno;
	if (err)
		(void)unlink(path);
	return err;
}

/* A P-256 key and a self-signed certificate for it, as PEM files. */
static int generate_pair(struct msrp_tls *tls, const char *cert_path,
			 const char *key_path)
{
	mbedtls_pk_context key;
	mbedtls_x509write_cert crt;
	mbedtls_mpi serial;
	unsigned char rnd[16] = {0};
	unsigned char *pem;
	const size_t pem_size = 4096;
	int r, err = 0;

	pem = mem_zalloc(pem_size, NULL);
	if (!pem)
		return ENOMEM;
	mbedtls_pk_init(&key);
	mbedtls_x509write_crt_init(&crt);
	mbedtls_mpi_init(&serial);
	r = mbedtls_pk_setup(&key,
			     mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!r)
		r = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
					mbedtls_pk_ec(key),
					mbedtls_ctr_drbg_random, &tls->drbg);
	if (!r)
		r = mbedtls_ctr_drbg_random(&tls->drbg, rnd, sizeof(rnd));
	rnd[0] &= 0x7f; /* a positive serial */
	if (!r)
		r = mbedtls_mpi_read_binary(&serial, rnd, sizeof(rnd));
	if (!r) {
		mbedtls_x509write_crt_set_subject_key(&crt, &key);
		mbedtls_x509write_crt_set_issuer_key(&crt, &key);
		mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
		r = mbedtls_x509write_crt_set_subject_name(&crt, "CN=sipvnc");
	}
	if (!r)
		r = mbedtls_x509write_crt_set_issuer_name(&crt, "CN=sipvnc");
	if (!r)
		r = mbedtls_x509write_crt_set_serial(&crt, &serial);
	if (!r)
		r = mbedtls_x509write_crt_set_validity(&crt, "20240101000000",
						       "20491231235959");
	if (!r)
		r = mbedtls_pk_write_key_pem(&key, pem, pem_size);
	if (r)
		err = EINVAL;
	/* The key first: a certificate without its key would be useless. */
	if (!err)
		err = write_file(key_path, pem, strlen((char *)pem), 0600);
	if (!err) {
		memset(pem, 0, pem_size);
		if (mbedtls_x509write_crt_pem(&crt, pem, pem_size,
					      mbedtls_ctr_drbg_random,
					      &tls->drbg))
			err = EINVAL;
	}
	if (!err)
		err = write_file(cert_path, pem, strlen((char *)pem), 0644);
	if (err)
		(void)unlink(key_path);
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&crt);
	mbedtls_pk_free(&key);
	mbedtls_platform_zeroize(pem, pem_size); /* the private key */
	mem_deref(pem);
	return err;
}

static int load_pair(struct msrp_tls *tls, const char *cert_file,
		     const char *key_file, const char *dir)
{
	char d[512], cert_path[600], key_path[600];
	int err;

	if (!cert_file || !key_file) {
		if (!dir || !dir[0])
			return ENOENT;   /* nowhere to keep a pair */
		str_ncpy(d, dir, sizeof(d));
		if (re_snprintf(cert_path, sizeof(cert_path), "%s/%s", d,
				cert_name) < 0 ||
		    re_snprintf(key_path, sizeof(key_path), "%s/%s", d,
				key_name) < 0)
			return ENAMETOOLONG;
		cert_file = cert_path;
		key_file = key_path;
		if (access(cert_file, F_OK) || access(key_file, F_OK)) {
			err = generate_pair(tls, cert_file, key_file);
			if (err) {
				msrp_warn(&tls->log, "msrp: cannot make a TLS "
					  "certificate in %s: %m\n", d, err);
				return err;
			}
			msrp_info(&tls->log,
				  "msrp: made a self-signed TLS certificate "
				  "in %s\n", d);
		}
	}
	if (mbedtls_x509_crt_parse_file(&tls->crt, cert_file)) {
		msrp_warn(&tls->log, "msrp: cannot read TLS certificate %s\n",
			  cert_file);
		return EINVAL;
	}
	if (mbedtls_pk_parse_keyfile(&tls->key, key_file, NULL)) {
		msrp_warn(&tls->log, "msrp: cannot read TLS key %s\n",
			  key_file);
		return EINVAL;
	}
	if (mbedtls_pk_check_pair(&tls->crt.pk, &tls->key)) {
		msrp_warn(&tls->log, "msrp: TLS key %s does not belong to "
			  "certificate %s\n", key_file, cert_file);
		return EINVAL;
	}
	return 0;
}

int msrp_tls_cert_fingerprint(char *buf, size_t size,
			      const mbedtls_x509_crt *crt)
{
	unsigned char md[32];
	size_t off;

	if (!crt || size < MSRP_TLS_FP_MAX ||
	    mbedtls_sha256_ret(crt->raw.p, crt->raw.len, md, 0))
		return EINVAL;
	off = (size_t)re_snprintf(buf, size, "SHA-256 ");
	for (size_t i = 0; i < sizeof(md); i++)
		off += (size_t)re_snprintf(buf + off, size - off, "%s%02X",
					   i ? ":" : "", md[i]);
	return 0;
}

int msrp_tls_alloc(struct msrp_tls **tlsp, const char *cert_file,
		   const char *key_file, const char *dir,
		   const struct msrp_log *lg)
{
	static const char pers[] = "sipvnc msrp";
	struct msrp_tls *tls;
	int err;

	if (!tlsp || !cert_file != !key_file)
		return EINVAL;
	tls = mem_zalloc(sizeof(*tls), tls_destructor);
	if (!tls)
		return ENOMEM;
	mbedtls_entropy_init(&tls->entropy);
	mbedtls_ctr_drbg_init(&tls->drbg);
	mbedtls_x509_crt_init(&tls->crt);
	mbedtls_pk_init(&tls->key);
	mbedtls_ssl_config_init(&tls->client);
	mbedtls_ssl_config_init(&tls->server);
	mbedtls_x509_crt_init(&tls->ca);
	if (lg)
		tls->log = *lg;
	err = mbedtls_ctr_drbg_seed(&tls->drbg, mbedtls_entropy_func,
				    &tls->entropy,
				    (const unsigned char *)pers,
				    sizeof(pers) - 1) ? EIO : 0;
	if (!err)
		err = load_pair(tls, cert_file, key_file, dir);
	if (!err)
		err = msrp_tls_cert_fingerprint(tls->fp, sizeof(tls->fp),
						&tls->crt);
	if (!err)
		err = config_init(tls, &tls->client, MBEDTLS_SSL_IS_CLIENT);
	if (!err)
		err = config_init(tls, &tls->server, MBEDTLS_SSL_IS_SERVER);
	if (err) {
		mem_deref(tls);
		return err;
	}
	*tlsp = tls;
	return 0;
}

int msrp_tls_set_ca(struct msrp_tls *tls, const char *ca_file)
{
	int r;

	if (!tls || !ca_file || tls->has_ca)
		return EINVAL;
	r = mbedtls_x509_crt_parse_file(&tls->ca, ca_file);
	if (r) {
		msrp_warn(&tls->log, "msrp: cannot load the CA file %s "
			  "(-0x%04x)\n", ca_file, (unsigned)-r);
		return r < 0 ? EINVAL : EBADMSG;
	}
	/* Chain and name are judged after the handshake
	 * (msrp_tls_judge.c): mbedtls 2.28 cannot match an IP address, and
	 * a peer no CA vouches for may still be let in. */
	tls->has_ca = true;
	return 0;
}

bool msrp_tls_has_ca(const struct msrp_tls *tls)
{
	return tls && tls->has_ca;
}

const char *msrp_tls_fingerprint(const struct msrp_tls *tls)
{
	return tls ? tls->fp : NULL;
}

bool msrp_tls_fp_equal(const char *a, const char *b)
{
	struct pl ha, hb, va, vb;

	if (!a || !b)
		return false;
	if (re_regex(a, strlen(a), "[^ \t]+[ \t]+[0-9A-Fa-f:]+", &ha, NULL,
		     &va) ||
	    re_regex(b, strlen(b), "[^ \t]+[ \t]+[0-9A-Fa-f:]+", &hb, NULL,
		     &vb))
		return false;
	return !pl_strcasecmp(&ha, "SHA-256") &&
		!pl_strcasecmp(&hb, "SHA-256") && va.l == 95 &&
		!pl_casecmp(&va, &vb);
}
