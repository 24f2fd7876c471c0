<?php
/**
 * Plugin Name:       Facet Virtual Try-On
 * Description:       Adds Facet's virtual eyewear try-on, face/skin analysis and recommendations to WooCommerce product pages.
 * Version:           1.0.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * WC requires at least: 7.0
 * License:           GPL-2.0-or-later
 * Text Domain:       facet-tryon
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const FACET_TRYON_OPTION = 'facet_tryon_settings';
// wc-auth names the keys it creates "<app name> - API (<date>)"; Facet's app name is "Facet".
const FACET_TRYON_KEY_DESCRIPTION = 'Facet - API';

require_once __DIR__ . '/includes/sign-in.php';

/** Settings with defaults: the Facet address and the shop's publishable key (public by design). */
function facet_tryon_settings() {
	$saved = get_option( FACET_TRYON_OPTION, array() );
	return wp_parse_args(
		is_array( $saved ) ? $saved : array(),
		array(
			'facet_url'       => 'https://facet.example.com',
			'publishable_key' => '',
			'everywhere'      => '0',
		)
	);
}

/** Load the widget loader on product pages (or everywhere, if the merchant chose so). */
function facet_tryon_enqueue() {
	$settings = facet_tryon_settings();
	// No key needed: Facet recognises the store by its address once it is connected.
	if ( '1' !== $settings['everywhere'] && ! ( function_exists( 'is_product' ) && is_product() ) ) {
		return;
	}
	$src = untrailingslashit( esc_url_raw( $settings['facet_url'] ) ) . '/widget/v1/facet.js';
	wp_enqueue_script( 'facet-tryon', $src, array(), null, array( 'strategy' => 'async', 'in_footer' => true ) );
}
add_action( 'wp_enqueue_scripts', 'facet_tryon_enqueue' );

/** Add data-key / data-product-id / data-lang to our script tag (the loader reads them). */
function facet_tryon_script_attributes( $tag, $handle ) {
	if ( 'facet-tryon' !== $handle ) {
		return $tag;
	}
	$settings = facet_tryon_settings();
	$attrs    = '' === $settings['publishable_key'] ? '' : ' data-key="' . esc_attr( $settings['publishable_key'] ) . '"';
	$attrs   .= ' data-lang="' . esc_attr( substr( get_locale(), 0, 2 ) ) . '"';
	if ( function_exists( 'is_product' ) && is_product() ) {
		$attrs .= ' data-product-id="' . esc_attr( (string) get_queried_object_id() ) . '"';
	}
	// How this store's own add-to-cart shows, for the merchant's holdout test: the product form (form.cart,
	// posted without Ajax), WooCommerce's jQuery event and the Blocks' DOM event after an Ajax add, and the
	// requests that add: Ajax, Store API, and a background GET of ?add-to-cart= (what Facet's own in-place
	// Add to cart sends, so it is counted like any other add).
	$attrs .= ' data-cart-forms="' . esc_attr( 'form.cart' ) . '"';
	$attrs .= ' data-cart-events="' . esc_attr( 'added_to_cart wc-blocks_added_to_cart' ) . '"';
	$attrs .= ' data-cart-urls="' . esc_attr( 'wc-ajax=add_to_cart /wc/store/v1/cart/add-item add-to-cart=' ) . '"';
	return str_replace( ' src=', $attrs . ' src=', $tag );
}
add_filter( 'script_loader_tag', 'facet_tryon_script_attributes', 10, 2 );

/** Settings page under WooCommerce, with the "Connect your store" button (Facet's /woocommerce/connect). */
function facet_tryon_admin_menu() {
	add_submenu_page( 'woocommerce', 'Facet Try-On', 'Facet Try-On', 'manage_woocommerce', 'facet-tryon', 'facet_tryon_settings_page' );
}
add_action( 'admin_menu', 'facet_tryon_admin_menu' );

function facet_tryon_register_settings() {
	register_setting(
		'facet_tryon',
		FACET_TRYON_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => function ( $input ) {
				return array(
					'facet_url'       => esc_url_raw( $input['facet_url'] ?? '' ),
					'publishable_key' => preg_replace( '/[^A-Za-z0-9_\-]/', '', $input['publishable_key'] ?? '' ),
					'everywhere'      => empty( $input['everywhere'] ) ? '0' : '1',
				);
			},
		)
	);
}
add_action( 'admin_init', 'facet_tryon_register_settings' );

function facet_tryon_settings_page() {
	if ( ! current_user_can( 'manage_woocommerce' ) ) {
		return;
	}
	$settings = facet_tryon_settings();
	$connect  = untrailingslashit( $settings['facet_url'] ) . '/woocommerce/connect';
	?>
	<div class="wrap">
		<h1>Facet Try-On</h1>
		<p><a class="button button-primary" href="<?php echo esc_url( $connect ); ?>" target="_blank" rel="noopener">Connect this store to Facet</a>
			— Facet asks WooCommerce for API keys (read/write) to import your catalog and register its webhooks.</p>
		<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" target="_blank">
			<input type="hidden" name="action" value="facet_tryon_open_dashboard">
			<?php wp_nonce_field( 'facet_tryon_open_dashboard' ); ?>
			<p><button type="submit" class="button">Open Facet dashboard</button>
				— once connected: your catalog, shoppers and sales, signed in with Facet's own key (no new keys).</p>
		</form>
		<form method="post" action="options.php">
			<?php settings_fields( 'facet_tryon' ); ?>
			<table class="form-table" role="presentation">
				<tr><th scope="row"><label for="facet_url">Facet address</label></th>
					<td><input type="url" class="regular-text" id="facet_url" name="<?php echo esc_attr( FACET_TRYON_OPTION ); ?>[facet_url]" value="<?php echo esc_attr( $settings['facet_url'] ); ?>"></td></tr>
				<tr><th scope="row"><label for="publishable_key">Publishable key</label></th>
					<td><input type="text" class="regular-text" id="publishable_key" name="<?php echo esc_attr( FACET_TRYON_OPTION ); ?>[publishable_key]" value="<?php echo esc_attr( $settings['publishable_key'] ); ?>" placeholder="pk_..."></td></tr>
				<tr><th scope="row">Show on</th>
					<td><label><input type="checkbox" name="<?php echo esc_attr( FACET_TRYON_OPTION ); ?>[everywhere]" value="1" <?php checked( '1', $settings['everywhere'] ); ?>> every page (default: product pages only)</label></td></tr>
			</table>
			<?php submit_button(); ?>
		</form>
	</div>
	<?php
}

/**
 * "Open Facet dashboard": sign the admin in to Facet with a short-lived sign-in signed by Facet's API key
 * (see includes/sign-in.php), posted to Facet from this page so no secret ends up in a URL.
 */
function facet_tryon_open_dashboard() {
	if ( ! current_user_can( 'manage_woocommerce' ) ) {
		wp_die( esc_html__( 'You are not allowed to manage this store.', 'facet-tryon' ), 403 );
	}
	check_admin_referer( 'facet_tryon_open_dashboard' );
	global $wpdb;
	$key = $wpdb->get_row(
		$wpdb->prepare(
			"SELECT key_id, consumer_secret FROM {$wpdb->prefix}woocommerce_api_keys WHERE description LIKE %s ORDER BY key_id DESC LIMIT 1",
			$wpdb->esc_like( FACET_TRYON_KEY_DESCRIPTION ) . '%'
		)
	);
	if ( ! $key ) {
		wp_die( esc_html__( 'This store is not connected to Facet yet: click “Connect this store to Facet” first.', 'facet-tryon' ), 404 );
	}
	$settings = facet_tryon_settings();
	$action   = untrailingslashit( esc_url_raw( $settings['facet_url'] ) ) . '/woocommerce/sign-in';
	$fields   = facet_tryon_sign_in_fields( home_url( '/' ), $key->key_id, $key->consumer_secret, time(), wp_generate_password( 32, false ) );
	header( 'Cache-Control: no-store' );
	?>
	<!doctype html><html><head><meta charset="utf-8"><title>Facet</title></head>
	<body onload="document.forms[0].submit()">
		<form method="post" action="<?php echo esc_url( $action ); ?>">
			<input type="hidden" name="payload" value="<?php echo esc_attr( $fields['payload'] ); ?>">
			<input type="hidden" name="signature" value="<?php echo esc_attr( $fields['signature'] ); ?>">
			<noscript><button type="submit">Open Facet dashboard</button></noscript>
		</form>
	</body></html>
	<?php
	exit;
}
add_action( 'admin_post_facet_tryon_open_dashboard', 'facet_tryon_open_dashboard' );
