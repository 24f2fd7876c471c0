<?php
/**
 * Facet_TryOn: adds Facet's virtual try-on widget to product pages.
 * Catalog sync needs no module code: Facet polls the REST API through an OAuth integration.
 */
use Magento\Framework\Component\ComponentRegistrar;

ComponentRegistrar::register(ComponentRegistrar::MODULE, 'Facet_TryOn', __DIR__);
