<?php
/**
 * Dashboard sign-in signed with Facet's own WooCommerce API key, checked by Facet
 * (connectors/woocommerce/sign_in.py): WooCommerce's key flow cannot tell whose browser approved it, this can.
 *
 * Pure functions (no WordPress calls), so they run and are tested outside WordPress too.
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'FACET_TRYON_TESTING' ) ) {
	exit;
}

/** RFC 4648 base64url without padding. */
function facet_tryon_base64url( $bytes ) {
	return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
}

/**
 * The two fields the "Open Facet dashboard" form posts: the payload (store, key id, time, one-time nonce)
 * and its HMAC-SHA256 signature keyed with the key's consumer secret.
 *
 * @param string     $store_url       This store's address (home URL).
 * @param int|string $key_id          The id of Facet's key in woocommerce_api_keys.
 * @param string     $consumer_secret That key's consumer secret (cs_...), which Facet holds too.
 * @param int        $now             Unix time.
 * @param string     $nonce           16-64 characters of [A-Za-z0-9_-], used once.
 */
function facet_tryon_sign_in_fields( $store_url, $key_id, $consumer_secret, $now, $nonce ) {
	$claims  = array(
		'store'  => (string) $store_url,
		'key_id' => (string) $key_id,
		'ts'     => (int) $now,
		'nonce'  => (string) $nonce,
	);
	$payload = facet_tryon_base64url( json_encode( $claims ) );
	return array(
		'payload'   => $payload,
		'signature' => facet_tryon_base64url( hash_hmac( 'sha256', $payload, $consumer_secret, true ) ),
	);
}
